//! A tiny word-pattern language, so intent phrases can live in a table as data.
//!
//! A pattern is words separated by spaces. Each element is one of:
//! * `word` - that word (lower case, as in [`super::words::Word::lower`]);
//! * `a|b|c` - any one of those words;
//! * `word?` or `a|b?` - optional;
//! * `{group}` - any phrase of a named group (multi-word phrases; `""` in a group makes it
//!   optional);
//! * `*` - any one word; `*?` - any one word or none;
//! * `^` (first only) - the match must start the sentence; `$` (last only) - it must end it.
//!
//! Matching is on consecutive words anywhere in a sentence, with backtracking, so
//! `"{commit} {ahead} book"` finds "so let me go ahead and book that".

/// One compiled element: the word sequences it accepts (an empty sequence = optional).
type Element = Vec<Vec<String>>;

/// A compiled pattern; exists so tables are parsed once and matched many times.
#[derive(Debug, Clone)]
pub struct Pattern {
    elements: Vec<Element>,
    /// Only a match at the start of the sentence counts.
    anchored: bool,
    /// Only a match at the end of the sentence counts.
    ends: bool,
}

/// The one-word element that accepts any word.
const ANY: &str = "*";

impl Pattern {
    /// Compiles `source`, looking up `{group}` names in `groups`. Panics on an unknown group:
    /// the tables are constants, so that is a programming error caught by the unit tests.
    pub fn compile(source: &str, groups: &[(&str, &[&str])]) -> Pattern {
        let anchored = source.trim_start().starts_with('^');
        let ends = source.trim_end().ends_with('$');
        let source = source.trim().trim_start_matches('^').trim_end_matches('$');
        let elements = source
            .split_whitespace()
            .map(|token| {
                if let Some(name) = token.strip_prefix('{').and_then(|t| t.strip_suffix('}')) {
                    let (_, phrases) = groups
                        .iter()
                        .find(|(n, _)| *n == name)
                        .unwrap_or_else(|| panic!("unknown pattern group {{{name}}}"));
                    return phrases
                        .iter()
                        .map(|p| p.split_whitespace().map(str::to_string).collect())
                        .collect();
                }
                let (alternatives, optional) = match token.strip_suffix('?') {
                    Some(t) => (t, true),
                    None => (token, false),
                };
                let mut element: Element = alternatives
                    .split('|')
                    .map(|a| vec![a.to_string()])
                    .collect();
                if optional {
                    element.push(Vec::new());
                }
                element
            })
            .collect();
        Pattern {
            elements,
            anchored,
            ends,
        }
    }

    /// The first match in `words` as a word range `start..end`.
    pub fn find(&self, words: &[&str]) -> Option<(usize, usize)> {
        let starts = if self.anchored { 0..1 } else { 0..words.len() };
        starts.into_iter().find_map(|start| {
            self.match_at(0, words, start)
                .filter(|end| !self.ends || *end == words.len())
                .map(|end| (start, end))
        })
    }

    fn match_at(&self, element: usize, words: &[&str], pos: usize) -> Option<usize> {
        let Some(alternatives) = self.elements.get(element) else {
            return Some(pos);
        };
        // Longest alternatives first, so "i'm going to" wins over a shorter reading.
        let mut ordered: Vec<&Vec<String>> = alternatives.iter().collect();
        ordered.sort_by_key(|a| std::cmp::Reverse(a.len()));
        ordered.into_iter().find_map(|alternative| {
            let end = pos + alternative.len();
            let fits = end <= words.len()
                && alternative
                    .iter()
                    .zip(&words[pos..end])
                    .all(|(a, w)| a == ANY || a == w);
            fits.then(|| self.match_at(element + 1, words, end))
                .flatten()
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const GROUPS: &[(&str, &[&str])] = &[
        ("commit", &["let me", "i'll", "i'm going to"]),
        ("ahead", &["", "go ahead and"]),
    ];

    fn words(s: &str) -> Vec<&str> {
        s.split(' ').collect()
    }

    #[test]
    fn groups_alternatives_and_optionals() {
        let p = Pattern::compile("{commit} {ahead} book|schedule that?", GROUPS);
        assert_eq!(p.find(&words("so let me book that now")), Some((1, 5)));
        assert_eq!(
            p.find(&words("ok i'm going to go ahead and schedule")),
            Some((1, 8))
        );
        assert_eq!(p.find(&words("would you like me to book that")), None);
        assert_eq!(p.find(&words("let me check")), None);
    }

    #[test]
    fn wildcards_and_anchors() {
        let p = Pattern::compile("grab that *? slot", GROUPS);
        assert_eq!(p.find(&words("let me grab that 9am slot")), Some((2, 6)));
        assert_eq!(p.find(&words("grab that slot")), Some((0, 3)));
        let p = Pattern::compile("^ okay? booked", GROUPS);
        assert_eq!(p.find(&words("okay booked")), Some((0, 2)));
        assert_eq!(p.find(&words("i booked")), None);
    }

    #[test]
    #[should_panic(expected = "unknown pattern group")]
    fn unknown_groups_are_caught() {
        Pattern::compile("{nope} book", GROUPS);
    }
}
