//! From streamed text pieces to sentences of normalised words.
//!
//! PersonaPlex streams the agent's words as pieces: a piece starting with a space starts a new
//! word, any other piece continues the current one (`" Smi"`, `"th"`), and punctuation is often
//! a piece of its own. Whitespace therefore carries all the word boundaries, so the assembler
//! works on characters and never needs to know how the text was cut.

/// Abbreviations whose trailing period never ends a sentence ("Dr. Smith").
const TITLES: &[&str] = &["mr", "mrs", "ms", "dr", "mx", "prof"];

/// Abbreviations whose period ends a sentence only when the next word is capitalised:
/// "at 3 p.m. on Tuesday" goes on, "at 3 p.m. Does that work?" does not.
const SOFT_ABBREVIATIONS: &[&str] = &[
    "st", "ave", "rd", "blvd", "ln", "ct", "apt", "jr", "sr", "a.m", "p.m", "e.g", "i.e", "etc",
];

/// Quiet in the agent's text stream after which a sentence ending in `.`, `?` or `!` is taken
/// as finished. Words arrive every 80 to 300 ms while the agent talks.
pub const SENTENCE_PAUSE: std::time::Duration = std::time::Duration::from_millis(300);

/// Joins streamed pieces and cuts them into sentences.
///
/// It exists because a "." alone is not a sentence end: it may sit inside an e-mail address
/// ("john" "." "smith" "@" ...) or after an abbreviation. A sentence ends at `.`, `?` or `!`
/// only once the following character shows the word is over, so a completed sentence is
/// reported when the next word starts (or on [`SentenceAssembler::flush`]).
#[derive(Debug, Default)]
pub struct SentenceAssembler {
    /// Text of the sentence being built, terminal punctuation included.
    buffer: String,
    /// A terminal mark was followed by whitespace; waiting for the next word to decide.
    pending_end: bool,
}

impl SentenceAssembler {
    /// Adds one piece; returns the sentences it completed (usually none).
    pub fn push(&mut self, piece: &str) -> Vec<String> {
        let mut done = Vec::new();
        for c in piece.chars() {
            if self.pending_end && !c.is_whitespace() {
                self.pending_end = false;
                if self.ends_sentence_before(c) {
                    done.extend(self.take());
                }
            }
            if c.is_whitespace() && ends_with_terminal(&self.buffer) {
                self.pending_end = true;
            }
            // Keep one space between words whatever the stream used.
            if c.is_whitespace() {
                if !self.buffer.is_empty() && !self.buffer.ends_with(' ') {
                    self.buffer.push(' ');
                }
            } else {
                self.buffer.push(c);
            }
        }
        done
    }

    /// True when the text so far ends with `.`, `?` or `!`: the sentence is over unless the
    /// next piece continues the word (an e-mail address, an abbreviation).
    pub fn awaiting_end(&self) -> bool {
        ends_with_terminal(self.buffer.trim_end())
    }

    /// Ends the current sentence even without final punctuation (end of turn or call).
    pub fn flush(&mut self) -> Option<String> {
        self.pending_end = false;
        self.take()
    }

    fn take(&mut self) -> Option<String> {
        let text = self.buffer.trim().to_string();
        self.buffer.clear();
        (!text.is_empty()).then_some(text)
    }

    /// Decides, on seeing the first character of the next word, whether the period before it
    /// closed the sentence.
    fn ends_sentence_before(&self, next: char) -> bool {
        let text = self.buffer.trim_end();
        if hesitation(text) {
            return false; // "Svetlana... Petrova": the agent is still saying it.
        }
        if !text.ends_with('.') {
            return true; // "?" and "!" always end a sentence.
        }
        let last = text.rsplit(' ').next().unwrap_or("");
        let word = last
            .trim_end_matches('.')
            .trim_start_matches(['(', '"'])
            .to_lowercase();
        if TITLES.contains(&word.as_str()) {
            return false;
        }
        if SOFT_ABBREVIATIONS.contains(&word.as_str()) {
            return next.is_uppercase();
        }
        true
    }
}

fn ends_with_terminal(text: &str) -> bool {
    let t = text.trim_end_matches(['"', '\'', ')', '\u{201d}', '\u{2019}']);
    t.ends_with(['.', '?', '!']) && !hesitation(t)
}

/// An ellipsis ("..." or "…"): the speaker trails off mid-thought, it ends nothing.
fn hesitation(text: &str) -> bool {
    text.ends_with("..") || text.ends_with('\u{2026}')
}

/// One word of a sentence, in the forms the extractors need.
///
/// Names need the original capitals, patterns need a lower-case form, and phone numbers and
/// addresses need to know where the speaker paused (a comma), so all three travel together.
#[derive(Debug, Clone, PartialEq)]
pub struct Word {
    /// As written, surrounding punctuation removed ("Smith", "555-123-4567", "j.smith@x.com").
    pub text: String,
    /// Lower case, curly apostrophes straightened, "p.m" written "pm".
    pub lower: String,
    /// A comma, semicolon, colon, dash or full stop followed the word: a pause in speech.
    pub pause_after: bool,
    /// The next word was joined to this one by a hyphen ("Anne-Marie", "twenty-five").
    pub hyphen_after: bool,
    /// Trailed off with an ellipsis ("Rah..."): maybe a word broken off.
    pub hesitant: bool,
}

/// A completed sentence: its text, its words, and whether it was a question.
#[derive(Debug, Clone, PartialEq)]
pub struct Sentence {
    pub text: String,
    pub words: Vec<Word>,
    /// Ends with "?": questions offer or ask, they never commit to an action.
    pub question: bool,
}

impl Sentence {
    /// Splits a sentence into words.
    pub fn parse(text: &str) -> Sentence {
        let question = text.trim_end().trim_end_matches(['"', ')']).ends_with('?');
        let mut words = Vec::new();
        for chunk in text.split_whitespace() {
            let chunk = chunk.replace(['\u{2019}', '\u{2018}'], "'");
            let trailing: String = chunk
                .chars()
                .rev()
                .take_while(|c| is_edge_punct(*c))
                .collect();
            let core = chunk
                .trim_start_matches(is_edge_punct)
                .trim_end_matches(is_edge_punct);
            let trailing_text: String = trailing.chars().rev().collect();
            let pause_after = if hesitation(&trailing_text) {
                trailing_text.contains([',', ';', ':', '?', '!'])
            } else {
                trailing.contains([',', ';', ':', '-', '.', '?', '!', '\u{2014}', '\u{2013}'])
            };
            let parts = split_core(core);
            let last = parts.len().saturating_sub(1);
            let hyphenated = core.contains('-');
            for (i, part) in parts.into_iter().enumerate() {
                let lower = normalise(&part);
                words.push(Word {
                    text: part,
                    lower,
                    pause_after: pause_after && i == last,
                    hyphen_after: hyphenated && i < last,
                    hesitant: hesitation(&trailing_text) && i == last,
                });
            }
        }
        Sentence {
            text: text.to_string(),
            words: super::disfluency::fluent(words),
            question,
        }
    }

    /// The sentence without the words in `spans` (another extractor's), pauses kept.
    pub fn without(&self, spans: &[(usize, usize)]) -> Sentence {
        let mut words = Vec::with_capacity(self.words.len());
        for (i, w) in self.words.iter().enumerate() {
            if spans.iter().any(|(a, b)| (*a..*b).contains(&i)) {
                if let Some(last) = words.last_mut() {
                    let last: &mut Word = last;
                    last.pause_after = true;
                }
                continue;
            }
            words.push(w.clone());
        }
        Sentence {
            text: self.text.clone(),
            words,
            question: self.question,
        }
    }

    /// The lower-case words, for pattern matching.
    pub fn lower(&self) -> Vec<&str> {
        self.words.iter().map(|w| w.lower.as_str()).collect()
    }

    /// The original text of words `start..end`, for [`super::facts::Field::said`].
    pub fn said(&self, start: usize, end: usize) -> String {
        let end = end.min(self.words.len());
        let parts: Vec<&str> = self.words[start.min(end)..end]
            .iter()
            .map(|w| w.text.as_str())
            .collect();
        parts.join(" ")
    }
}

fn is_edge_punct(c: char) -> bool {
    matches!(
        c,
        '.' | ','
            | ';'
            | ':'
            | '!'
            | '?'
            | '"'
            | '('
            | ')'
            | '['
            | ']'
            | '\u{201c}'
            | '\u{201d}'
            | '\u{2026}'
            | '\u{2014}'
            | '\u{2013}'
    ) || (c == '-')
        || (c == '\'')
}

/// Splits "twenty-five" and "tune-up" at hyphens (but not "555-123-4567"), and "3pm" /
/// "3:30pm" into the number and its am/pm, so every extractor sees the same words.
fn split_core(core: &str) -> Vec<String> {
    if core.is_empty() {
        return Vec::new();
    }
    let lower = core.to_lowercase();
    for suffix in ["a.m", "p.m", "am", "pm"] {
        if let Some(number) = lower.strip_suffix(suffix) {
            if !number.is_empty() && number.chars().all(|c| c.is_ascii_digit() || c == ':') {
                return vec![number.to_string(), core[number.len()..].to_string()];
            }
        }
    }
    if core.contains('-') && core.chars().all(|c| c.is_alphabetic() || c == '-') {
        return core
            .split('-')
            .filter(|p| !p.is_empty())
            .map(str::to_string)
            .collect();
    }
    vec![core.to_string()]
}

fn normalise(word: &str) -> String {
    let lower = word.to_lowercase();
    match lower.as_str() {
        "a.m" => "am".to_string(),
        "p.m" => "pm".to_string(),
        // Contractions written without their apostrophe ("youre all set") that are no other
        // word.
        "youre" => "you're".to_string(),
        "im" => "i'm".to_string(),
        "ive" => "i've".to_string(),
        "thats" => "that's".to_string(),
        "whats" => "what's".to_string(),
        "dont" => "don't".to_string(),
        "didnt" => "didn't".to_string(),
        "isnt" => "isn't".to_string(),
        "youll" => "you'll".to_string(),
        "youve" => "you've".to_string(),
        "weve" => "we've".to_string(),
        "theyre" => "they're".to_string(),
        "itll" => "it'll".to_string(),
        "couldnt" => "couldn't".to_string(),
        "wouldnt" => "wouldn't".to_string(),
        _ => lower,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn feed(pieces: &[&str]) -> (Vec<String>, Option<String>) {
        let mut a = SentenceAssembler::default();
        let mut out = Vec::new();
        for p in pieces {
            out.extend(a.push(p));
        }
        (out, a.flush())
    }

    #[test]
    fn joins_pieces_and_cuts_at_the_next_word() {
        let (done, rest) = feed(&[
            " Let", " me", " book", " that", ".", " Thanks", ",", " John", " Smi", "th", "!",
        ]);
        assert_eq!(done, vec!["Let me book that."]);
        assert_eq!(rest.as_deref(), Some("Thanks, John Smith!"));
    }

    #[test]
    fn a_period_inside_an_email_is_not_a_sentence_end() {
        let (done, rest) = feed(&[
            " it's", " john", ".", "smith", "@", "example", ".", "com", ".", " Great",
        ]);
        assert_eq!(done, vec!["it's john.smith@example.com."]);
        assert_eq!(rest.as_deref(), Some("Great"));
    }

    #[test]
    fn abbreviations_do_not_cut_sentences_needlessly() {
        let (done, _) = feed(&[
            " Dr", ".", " Smith", " at", " 3", " p", ".", "m", ".", " on", " Tuesday", ".", " Bye",
        ]);
        assert_eq!(done, vec!["Dr. Smith at 3 p.m. on Tuesday."]);
        let (done, _) = feed(&[" at", " 3", " p.m.", " Does", " that", " work", "?", " Ok"]);
        assert_eq!(done, vec!["at 3 p.m.", "Does that work?"]);
    }

    #[test]
    fn disfluencies_are_cleaned_but_numbers_are_kept() {
        let lower = |t: &str| {
            Sentence::parse(t)
                .lower()
                .iter()
                .map(|w| w.to_string())
                .collect::<Vec<_>>()
                .join(" ")
        };
        assert_eq!(
            lower("I'm putting, I'm putting you on for Saturday."),
            "i'm putting you on for saturday"
        );
        assert_eq!(
            lower("And, um, 8 Spruce, Spruce Street?"),
            "and 8 spruce street"
        );
        assert_eq!(lower("Bashir, uh, Rah... Rahmani?"), "bashir rahmani");
        assert_eq!(
            lower("five five five, oh one, uh, five five"),
            "five five five oh one five five"
        );
        assert_eq!(lower("N-O-V-A-A-K"), "n o v a a k", "spelled letters stay");
        let s = Sentence::parse("Giuseppe, uh, Romano.");
        assert!(!s.words[0].pause_after, "the commas were the hesitation's");
    }

    #[test]
    fn words_keep_case_pauses_and_split_numbers_from_am_pm() {
        let s = Sentence::parse("So that's John Smith, at 3pm, twenty-five (555) 123-4567?");
        let lower = s.lower();
        assert_eq!(
            lower,
            [
                "so", "that's", "john", "smith", "at", "3", "pm", "twenty", "five", "555",
                "123-4567"
            ]
        );
        assert_eq!(s.words[2].text, "John");
        assert!(s.words[3].pause_after && s.words[6].pause_after && !s.words[5].pause_after);
        assert!(s.question);
        assert_eq!(
            Sentence::parse("at 3 p.m. sharp").lower(),
            ["at", "3", "pm", "sharp"]
        );
        assert_eq!(s.said(2, 4), "John Smith");
    }
}
