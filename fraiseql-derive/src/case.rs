//! Renaming rules for `rename_all` and `json_case`.

/// A naming convention.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Case {
    /// `created_at`
    Snake,
    /// `createdAt`
    Camel,
    /// `CreatedAt`
    Pascal,
    /// `CREATED_AT`
    ScreamingSnake,
}

impl Case {
    /// The names accepted in attributes.
    pub const NAMES: &'static str =
        "\"snake_case\", \"camelCase\", \"PascalCase\" or \"SCREAMING_SNAKE_CASE\"";

    pub fn parse(name: &str) -> Option<Self> {
        Some(match name {
            "snake_case" => Case::Snake,
            "camelCase" => Case::Camel,
            "PascalCase" => Case::Pascal,
            "SCREAMING_SNAKE_CASE" => Case::ScreamingSnake,
            _ => return None,
        })
    }

    /// Renames a Rust identifier (snake_case field or PascalCase variant) into this case.
    pub fn apply(self, ident: &str) -> String {
        let words = words(ident.trim_start_matches("r#"));
        let capitalized = |w: &str| {
            let mut chars = w.chars();
            chars.next().map_or_else(String::new, |c| {
                c.to_uppercase().collect::<String>() + &chars.as_str().to_lowercase()
            })
        };
        match self {
            Case::Snake => words
                .iter()
                .map(|w| w.to_lowercase())
                .collect::<Vec<_>>()
                .join("_"),
            Case::ScreamingSnake => words
                .iter()
                .map(|w| w.to_uppercase())
                .collect::<Vec<_>>()
                .join("_"),
            Case::Pascal => words.iter().map(|w| capitalized(w)).collect(),
            Case::Camel => words
                .iter()
                .enumerate()
                .map(|(i, w)| {
                    if i == 0 {
                        w.to_lowercase()
                    } else {
                        capitalized(w)
                    }
                })
                .collect(),
        }
    }
}

/// Splits `created_at`, `createdAt`, `HTTPServer2` into words.
fn words(ident: &str) -> Vec<String> {
    let chars: Vec<char> = ident.chars().collect();
    let mut words = Vec::new();
    let mut current = String::new();
    for (i, &c) in chars.iter().enumerate() {
        if c == '_' {
            if !current.is_empty() {
                words.push(std::mem::take(&mut current));
            }
            continue;
        }
        let prev = i.checked_sub(1).map(|p| chars[p]);
        let next = chars.get(i + 1);
        let boundary = c.is_uppercase()
            && !current.is_empty()
            && (prev.is_some_and(|p| p.is_lowercase() || p.is_ascii_digit())
                || (prev.is_some_and(char::is_uppercase)
                    && next.is_some_and(|n| n.is_lowercase())));
        if boundary {
            words.push(std::mem::take(&mut current));
        }
        current.push(c);
    }
    if !current.is_empty() {
        words.push(current);
    }
    words
}

#[cfg(test)]
mod tests {
    use super::Case;

    #[test]
    fn renames() {
        assert_eq!(Case::Camel.apply("created_at"), "createdAt");
        assert_eq!(Case::Snake.apply("created_at"), "created_at");
        assert_eq!(Case::Pascal.apply("created_at"), "CreatedAt");
        assert_eq!(Case::ScreamingSnake.apply("SuperUser"), "SUPER_USER");
        assert_eq!(Case::Snake.apply("HTTPServer2"), "http_server2");
        assert_eq!(Case::Camel.apply("r#type"), "type");
        assert_eq!(Case::Camel.apply("name"), "name");
        assert_eq!(Case::Snake.apply("Admin"), "admin");
    }
}
