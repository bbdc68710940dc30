//! Query-string parsing that keeps repeated parameters (`ids=a&ids=b`) and their order.

use std::borrow::Cow;

/// Longest query string examined; the rest is ignored.
pub const MAX_QUERY_LEN: usize = 64 * 1024;

/// A parsed query string.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Query {
    pairs: Vec<(String, String)>,
}

impl Query {
    /// Parses `a=1&b=2` (percent- and `+`-decoding, as HTML forms do).
    pub fn parse(raw: Option<&str>) -> Query {
        let raw = raw.unwrap_or("");
        let mut cut = raw.len().min(MAX_QUERY_LEN);
        while !raw.is_char_boundary(cut) {
            cut -= 1;
        }
        Query {
            pairs: form_urlencoded::parse(&raw.as_bytes()[..cut])
                .map(|(k, v): (Cow<'_, str>, Cow<'_, str>)| (k.into_owned(), v.into_owned()))
                .collect(),
        }
    }

    /// The first value of `name`.
    pub fn first(&self, name: &str) -> Option<&str> {
        self.pairs
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }

    /// Every value of `name`, in order.
    pub fn all(&self, name: &str) -> Vec<&str> {
        self.pairs
            .iter()
            .filter(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
            .collect()
    }

    /// Whether `name` is present (even empty).
    pub fn has(&self, name: &str) -> bool {
        self.pairs.iter().any(|(k, _)| k == name)
    }

    /// Every pair, in order.
    pub fn pairs(&self) -> &[(String, String)] {
        &self.pairs
    }

    /// Re-encodes the pairs, replacing or adding `overrides`.
    pub fn encode_with(&self, overrides: &[(&str, &str)]) -> String {
        let mut out = form_urlencoded::Serializer::new(String::new());
        for (k, v) in &self.pairs {
            if !overrides.iter().any(|(o, _)| o == k) {
                out.append_pair(k, v);
            }
        }
        for (k, v) in overrides {
            out.append_pair(k, v);
        }
        out.finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn repeated_and_decoded() {
        let q = Query::parse(Some("ids=a&ids=b&to=44%2B1&x=a+b&flag"));
        assert_eq!(q.all("ids"), vec!["a", "b"]);
        assert_eq!(q.first("to"), Some("44+1"));
        assert_eq!(q.first("x"), Some("a b"));
        assert!(q.has("flag") && !q.has("nope"));
        assert_eq!(
            q.encode_with(&[("ids", "c")]),
            "to=44%2B1&x=a+b&flag=&ids=c"
        );
        assert_eq!(Query::parse(None).pairs().len(), 0);
    }

    #[test]
    fn garbage_is_tolerated() {
        let q = Query::parse(Some("%ZZ=%&&==&é=ü"));
        assert!(q.pairs().len() >= 2);
    }
}
