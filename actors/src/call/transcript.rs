//! The agent's words in one call, joined from PersonaPlex's streamed text pieces.

use crate::toolbridge::words::SentenceAssembler;

/// The agent's words so far in one call.
///
/// PersonaPlex streams its own speech as small text pieces (`" Hello"`, `","`, `" th"`, `"ere"`):
/// a leading space starts a new word, anything else continues the current one. The transcript
/// keeps the joined text and hands out each sentence once it is complete, cut by the same
/// [`SentenceAssembler`] the ToolBridge reads with, so the admin view, the sentence marks and the
/// bookings agree on what a sentence is.
#[derive(Debug, Default)]
pub struct Transcript {
    /// Every piece joined, exactly as spoken.
    text: String,
    sentences: SentenceAssembler,
}

impl Transcript {
    pub fn new() -> Self {
        Self::default()
    }

    /// Appends one piece; returns the sentences it completed (usually none; a sentence is
    /// complete once the next word shows its final `.` was not inside "Dr." or an e-mail).
    pub fn push(&mut self, piece: &str) -> Vec<String> {
        if piece.is_empty() {
            return Vec::new();
        }
        if self.text.is_empty() {
            // The very first word needs no separator.
            self.text.push_str(piece.trim_start());
        } else {
            self.text.push_str(piece);
        }
        self.sentences.push(piece)
    }

    /// The agent paused: a sentence that ended in `.`, `?` or `!` is over (the same rule the
    /// ToolBridge uses); one without final punctuation stays open.
    pub fn pause(&mut self) -> Option<String> {
        if self.sentences.awaiting_end() {
            self.sentences.flush()
        } else {
            None
        }
    }

    /// The call ends: the sentence being spoken, if any.
    pub fn flush(&mut self) -> Option<String> {
        self.sentences.flush()
    }

    /// Everything said so far.
    pub fn text(&self) -> &str {
        &self.text
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn leading_space_starts_a_word_and_the_next_word_ends_a_sentence() {
        let mut t = Transcript::new();
        let mut sentences = Vec::new();
        for piece in [
            " Hello", ",", " thanks", " for", " call", "ing", ".", " How", " can", " I", " help",
            "?",
        ] {
            sentences.extend(t.push(piece));
        }
        sentences.extend(t.flush());
        assert_eq!(t.text(), "Hello, thanks for calling. How can I help?");
        assert_eq!(sentences, ["Hello, thanks for calling.", "How can I help?"]);
    }

    #[test]
    fn a_period_in_an_email_or_title_is_not_a_sentence() {
        let mut t = Transcript::new();
        let mut sentences = Vec::new();
        for piece in [
            " Dr", ".", " Lee", " at", " j", ".", "lee", "@", "x", ".", "com", ".", " Bye",
        ] {
            sentences.extend(t.push(piece));
        }
        assert_eq!(sentences, ["Dr. Lee at j.lee@x.com."]);
    }

    #[test]
    fn a_pause_ends_a_finished_sentence_only() {
        let mut t = Transcript::new();
        assert!(t.push(" Hello").is_empty());
        assert_eq!(t.pause(), None, "no final punctuation: still open");
        t.push(" there");
        t.push(".");
        assert_eq!(t.pause().as_deref(), Some("Hello there."));
    }

    #[test]
    fn empty_pieces_change_nothing() {
        let mut t = Transcript::new();
        assert!(t.push("").is_empty());
        assert_eq!(t.text(), "");
    }
}
