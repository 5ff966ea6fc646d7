//! Recognising the agent's closing line, after which a silent caller's call is ended.
//!
//! PersonaPlex cannot hang up: it only talks. When it says goodbye and the caller says nothing
//! more, the call would otherwise sit open until the caller hangs up. This is the pure test the
//! supervisor applies to each agent sentence.

/// Phrases that close a conversation. Matched on whole words of the lower-cased sentence.
const CLOSINGS: [&str; 8] = [
    "have a great day",
    "have a good day",
    "have a nice day",
    "goodbye",
    "good bye",
    "bye now",
    "take care",
    "thanks for calling",
];

/// True when `sentence` ends the conversation ("Thanks for calling, have a great day!").
/// "Thanks for calling" alone is a greeting ("Thanks for calling Acme, how can I help?"), so it
/// counts only with a "bye" in the same sentence.
pub fn is_goodbye(sentence: &str) -> bool {
    let words: String = sentence
        .chars()
        .map(|c| {
            if c.is_alphanumeric() || c == '\'' {
                c.to_ascii_lowercase()
            } else {
                ' '
            }
        })
        .collect();
    let words = format!(
        " {} ",
        words.split_whitespace().collect::<Vec<_>>().join(" ")
    );
    let has = |phrase: &str| words.contains(&format!(" {phrase} "));
    CLOSINGS.iter().any(|c| match *c {
        "thanks for calling" => has(c) && has("bye"),
        // "I'll take care of that" is a task, not a closing.
        "take care" => has(c) && !has("take care of"),
        c => has(c),
    })
}

/// Caller audio louder than this RMS (about -40 dBFS) is the caller speaking, not line noise.
const SPEECH_RMS: f64 = 328.0;

/// True when a frame of caller audio is loud enough to be speech: a caller who answers the
/// agent's goodbye keeps the call open.
pub fn is_speech(pcm: &[i16]) -> bool {
    if pcm.is_empty() {
        return false;
    }
    let power = pcm.iter().map(|&x| f64::from(x).powi(2)).sum::<f64>() / pcm.len() as f64;
    power.sqrt() > SPEECH_RMS
}

#[cfg(test)]
mod tests {
    use super::{is_goodbye, is_speech};

    #[test]
    fn speech_is_told_from_silence_and_line_noise() {
        assert!(!is_speech(&[]));
        assert!(!is_speech(&[0; 160]));
        // Line noise around -50 dBFS.
        let noise: Vec<i16> = (0..160)
            .map(|i| if i % 2 == 0 { 100 } else { -100 })
            .collect();
        assert!(!is_speech(&noise));
        // A voice at about -20 dBFS.
        let voice: Vec<i16> = (0..160)
            .map(|i| ((i as f64 * 0.3).sin() * 4600.0) as i16)
            .collect();
        assert!(is_speech(&voice));
    }

    #[test]
    fn closings_are_goodbyes() {
        for s in [
            "Thanks for calling, have a great day!",
            "Goodbye.",
            "Okay, bye now.",
            "Take care!",
            "Thanks for calling, bye.",
            "You're all set. Have a good day.",
            "GOOD BYE",
        ] {
            assert!(is_goodbye(s), "{s}");
        }
    }

    #[test]
    fn ordinary_sentences_are_not() {
        for s in [
            "Thanks for calling Acme Plumbing, how can I help you?",
            "Hello, this is Acme.",
            "I'll take care of that booking for you.",
            "Which day works for you?",
            "byebye",
            "",
        ] {
            assert!(!is_goodbye(s), "{s}");
        }
    }
}
