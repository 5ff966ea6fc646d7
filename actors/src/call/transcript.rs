//! Joining PersonaPlex's streamed text pieces into words and sentences.

/// The agent's words so far in one call.
///
/// PersonaPlex streams its own speech as small text pieces (`" Hello"`, `","`, `" th"`, `"ere"`):
/// a leading space starts a new word, anything else continues the current one. The transcript
/// keeps the joined text and hands out each sentence once it is complete, which is the unit the
/// ToolBridge and the admin view care about.
#[derive(Debug, Default, Clone)]
pub struct Transcript {
    /// Every piece joined, exactly as spoken.
    text: String,
    /// Byte offset in `text` where the sentence being spoken began.
    sentence_start: usize,
}

impl Transcript {
    pub fn new() -> Self {
        Self::default()
    }

    /// Appends one piece; returns the sentence it completed, if any.
    pub fn push(&mut self, piece: &str) -> Option<String> {
        if piece.is_empty() {
            return None;
        }
        if self.text.is_empty() {
            // The very first word needs no separator.
            self.text.push_str(piece.trim_start());
        } else {
            self.text.push_str(piece);
        }
        let ends_sentence = piece.trim_end().ends_with(['.', '?', '!']);
        if !ends_sentence {
            return None;
        }
        let sentence = self.text[self.sentence_start..].trim().to_string();
        self.sentence_start = self.text.len();
        (!sentence.is_empty()).then_some(sentence)
    }

    /// Everything said so far.
    pub fn text(&self) -> &str {
        &self.text
    }

    /// The words of a sentence still being spoken.
    pub fn pending(&self) -> &str {
        self.text[self.sentence_start..].trim()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn leading_space_starts_a_word_and_punctuation_ends_a_sentence() {
        let mut t = Transcript::new();
        let mut sentences = Vec::new();
        for piece in [
            " Hello", ",", " thanks", " for", " call", "ing", ".", " How", " can", " I", " help",
            "?",
        ] {
            sentences.extend(t.push(piece));
        }
        assert_eq!(t.text(), "Hello, thanks for calling. How can I help?");
        assert_eq!(sentences, ["Hello, thanks for calling.", "How can I help?"]);
        assert_eq!(t.pending(), "");
    }

    #[test]
    fn unfinished_sentence_is_pending() {
        let mut t = Transcript::new();
        assert_eq!(t.push(" Let"), None);
        assert_eq!(t.push(" me"), None);
        assert_eq!(t.push(" book that"), None);
        assert_eq!(t.pending(), "Let me book that");
        assert_eq!(t.push(" now!").as_deref(), Some("Let me book that now!"));
    }

    #[test]
    fn empty_pieces_change_nothing() {
        let mut t = Transcript::new();
        assert_eq!(t.push(""), None);
        assert_eq!(t.text(), "");
    }
}
