-- Example data, through the mutation function (so the read side is filled too).
SELECT fn_create_note('{"identifier": "hello", "title": "Hello", "body": "The first note."}');
