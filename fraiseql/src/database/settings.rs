//! The settings a statement runs under: those fixed for every request, sent once in each
//! connection's startup packet, and a request's own, applied by one `set_config` statement.

use std::borrow::Cow;
use std::sync::OnceLock;
use std::time::Duration;

use postgres_types::ToSql;

/// Applies every setting of a request in one statement:
/// `SELECT set_config($1, $2, true), set_config($3, $4, true), …` for `count` settings, and
/// its parameters (name, value, name, value, …). Plain calls cost PostgreSQL less than unnesting
/// two arrays; the text is the same for the same count, so each count is prepared once per
/// connection.
pub(super) fn apply_settings<'a>(
    names: &'a [&'a str],
    values: &'a [&'a str],
) -> (Cow<'static, str>, Vec<&'a (dyn ToSql + Sync)>) {
    const PREBUILT: usize = 8;
    static SQL: OnceLock<[String; PREBUILT]> = OnceLock::new();
    let render = |count: usize| {
        let calls: Vec<String> = (0..count)
            .map(|i| format!("set_config(${}, ${}, true)", 2 * i + 1, 2 * i + 2))
            .collect();
        format!("SELECT {}", calls.join(", "))
    };
    let count = names.len();
    if count == 0 {
        return (Cow::Borrowed(""), Vec::new());
    }
    let sql = match SQL
        .get_or_init(|| std::array::from_fn(|i| render(i + 1)))
        .get(count - 1)
    {
        Some(sql) => Cow::Borrowed(sql.as_str()),
        None => Cow::Owned(render(count)),
    };
    let params = names
        .iter()
        .zip(values)
        .flat_map(|(name, value)| [name as &(dyn ToSql + Sync), value as &(dyn ToSql + Sync)])
        .collect();
    (sql, params)
}

/// Settings that are the same for every request. Cursors carry sort values as PostgreSQL's text
/// forms and are read back by casts: pin the settings those forms depend on, whatever the
/// server's defaults.
pub(super) const FIXED_SETTINGS: [(&str, &str); 2] =
    [("extra_float_digits", "1"), ("DateStyle", "ISO,MDY")];

/// The time zone answers are computed in, whatever the server's, database's or role's default:
/// groups by a truncated timestamp (`date_trunc` cuts days, months and years at local
/// midnight) and the offsets timestamps are written with depend on it. A connection string
/// whose `options` set `TimeZone` keeps its own.
pub(super) const TIME_ZONE: (&str, &str) = ("TimeZone", "UTC");

/// Whether the startup `options` (`-c name=value`, `-cname=value` or `--name=value`, as
/// PostgreSQL reads them) set the setting `name` (case-insensitive, as setting names are).
pub(super) fn options_set(options: &str, name: &str) -> bool {
    let mut words = options.split_whitespace();
    while let Some(word) = words.next() {
        let assignment = if word == "-c" {
            words.next()
        } else {
            word.strip_prefix("-c").or_else(|| word.strip_prefix("--"))
        };
        let set = assignment
            .and_then(|assignment| assignment.split_once('='))
            .is_some_and(|(setting, _)| setting.replace('-', "_").eq_ignore_ascii_case(name));
        if set {
            return true;
        }
    }
    false
}

/// The startup `options` of a connection: the application's own, then the fixed settings and
/// the statement timeout (later `-c` options win, so ours hold), and UTC as the time zone
/// unless the application's own options set one.
pub(super) fn session_options(own: Option<&str>, timeout: Duration) -> String {
    let mut options = own.map_or_else(String::new, |own| format!("{own} "));
    options.push_str(&format!("-c statement_timeout={}", millis(timeout)));
    for (name, value) in FIXED_SETTINGS {
        options.push_str(&format!(" -c {name}={value}"));
    }
    if !own.is_some_and(|own| options_set(own, TIME_ZONE.0)) {
        options.push_str(&format!(" -c {}={}", TIME_ZONE.0, TIME_ZONE.1));
    }
    options
}

/// A timeout as PostgreSQL's milliseconds. PostgreSQL reads 0 as "no limit": the shortest limit
/// it can express is 1 ms.
pub(super) fn millis(timeout: Duration) -> String {
    timeout.as_millis().max(1).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn own_options_that_set_the_time_zone_keep_it() {
        for own in [
            "-c TimeZone=Pacific/Auckland",
            "-c timezone=Europe/Paris -c application_name=x",
            "-ctimezone=UTC",
            "--TimeZone=America/New_York",
            "-c application_name=a  -c TIMEZONE=Asia/Tokyo",
        ] {
            assert!(options_set(own, "TimeZone"), "{own}");
            let options = session_options(Some(own), Duration::from_secs(1));
            assert!(!options.contains("TimeZone=UTC"), "{options}");
            assert!(options.starts_with(own), "{options}");
        }
        for own in [
            None,
            Some("-c application_name=timezone"),
            Some("-c log_timezone=UTC"),
            Some("-c timezone_abbreviations=Default"),
        ] {
            let options = session_options(own, Duration::from_secs(1));
            assert!(options.ends_with(" -c TimeZone=UTC"), "{options}");
        }
    }
}
