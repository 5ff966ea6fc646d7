//! The words the name reader knows: cues before and after a name, words that are never names,
//! particles inside names. Data, kept apart from the reading in [`super::name`] so that tuning
//! it is an edit to a table.

/// Cues that plainly introduce the caller's name.
#[rustfmt::skip]
pub const STRONG_CUES: &[&str] = &[
    "your|the name is|as|was", "your|the name's", "name down as", "under the name", "under",
    "booked|booking|it|that|this|appointment|reservation under", "down as", "have|got you as",
    "full name is|as", "name", "name is", "name's", "i have you as", "i've got you as",
    "we have you as", "and you're", "and you are", "spelled", "spelt", "that's spelled",
];
/// Cues that often come before a name, but before other words too.
#[rustfmt::skip]
pub const WEAK_CUES: &[&str] = &[
    "that's|it's|that|is", "thank you", "thanks", "great|perfect|okay|ok|alright|wonderful|excellent|lovely|awesome|cool|sure|right",
    "got it", "i have", "i've got", "so", "for", "and", "hi|hello|hey", "mr|mrs|ms|miss|dr|mister",
    "confirming", "confirm", "okay so", "alright so", "so that's", "and that's", "with",
];
/// Cues that say the next name is only a first or only a last name.
pub const FIRST_CUES: &[&str] = &["first name is|was|'s", "first name", "first name's"];
pub const LAST_CUES: &[&str] = &[
    "last|family name is|was|'s",
    "last|family name",
    "surname is|was|'s",
    "surname",
    "last name's",
];
/// The agent introducing itself, or people who are not the caller.
#[rustfmt::skip]
pub const NOT_CALLER: &[&str] = &[
    "this is", "my name is", "my name's", "i'm", "i am", "speaking with", "you've reached",
    "technician", "tech", "plumber", "electrician", "our", "colleague", "manager", "owner",
    "doctor", "dr", "hygienist", "stylist", "groomer", "mechanic", "vet", "veterinarian",
    "dentist", "specialist", "crew", "inspector", "cleaner", "my", "calling", "welcome to",
    "from", "at", "on", "in", "of", "to", "near", "by", "named", "called", "assistant",
];
/// Verbs that open an instruction to the caller ("Bring ID", "Park Behind the building").
#[rustfmt::skip]
pub const IMPERATIVES: &[&str] = &[
    "bring", "make", "call", "text", "remember", "note", "keep", "take", "give", "send", "check",
    "try", "come", "leave", "use", "expect", "look", "wear", "avoid", "feel",
    "stay", "turn", "shut", "put", "go", "enjoy", "drive", "arrive", "ring", "knock", "email",
    "reply", "tell", "ask", "write", "grab", "hang", "hold", "wait", "listen", "meet", "plan",
];

/// Field labels a read-back list puts before the name: "Owner, Lerato Mokoena."
pub const LABELS: &[&str] = &[
    "owner", "client", "customer", "patient", "account", "caller", "contact", "name",
];

/// Words that may stand around a name said alone ("Okay, Tobias Lind, got it.").
#[rustfmt::skip]
pub const FILLER: &[&str] = &[
    "sorry", "hi", "hello", "yes", "okay", "ok", "alright", "so", "and", "great", "perfect", "thanks", "thank", "you", "got",
    "it", "right", "correct", "is", "that", "yes", "yep", "sure", "wonderful", "lovely", "oh",
    "um", "uh", "and", "the", "name", "awesome", "excellent", "mhm",
];

/// and the like. Everything else capitalised may be a name.
#[rustfmt::skip]
pub const NOT_NAMES: &[&str] = &[
    "i", "i'm", "i'll", "i've", "i'd", "let", "let's", "we", "we'll", "we're", "we've", "you",
    "you're", "you'll", "your", "and", "so", "is", "it", "it's", "please", "okay", "ok", "yes",
    "no", "sir", "ma'am", "that", "that's", "the", "a", "an", "for", "our", "great", "perfect",
    "thanks", "thank", "today", "tomorrow", "tonight", "morning", "afternoon", "evening", "noon",
    "apartment", "apt", "unit", "suite", "north", "south", "east", "west", "northeast",
    "northwest", "southeast", "southwest", "alright", "all", "right", "sure", "wonderful",
    "excellent", "lovely", "awesome", "cool", "got", "oh", "um", "uh", "hmm", "hi", "hello",
    "hey", "good", "well", "now", "then", "also", "just", "one", "two", "three", "four", "five",
    "six", "seven", "eight", "nine", "ten", "eleven", "twelve", "am", "pm", "a.m", "p.m",
    "next", "this", "last", "first", "second", "third", "fourth", "fifth", "email", "e-mail",
    "phone", "number", "address", "name", "street", "avenue", "road", "dot", "com", "at",
    "gmail", "yahoo", "hotmail", "outlook", "icloud", "net", "org", "what", "when", "where",
    "which", "who", "how", "why", "can", "could", "would", "should", "will", "shall", "may",
    "might", "must", "do", "does", "did", "have", "has", "had", "be", "been", "was", "were",
    "are", "there", "here", "then", "than", "but", "or", "if", "as", "of", "on", "in", "to",
    "with", "by", "from", "up", "out", "about", "over", "after", "before", "between", "into",
    "mr", "mrs", "ms", "miss", "dr", "mister", "absolutely", "certainly", "definitely",
    "fantastic", "nice", "sounds", "looks", "see", "yeah", "yup", "nope", "sorry", "pardon",
    "welcome", "hold", "wait", "actually", "anyway", "anything", "everything", "nothing",
    "something", "someone", "anyone", "everyone", "no-one", "nobody", "let me", "bye",
    "goodbye", "confirmed", "booked", "scheduled", "done", "set", "appointment", "visit",
    "service", "repair", "cleaning", "technician", "tech", "area", "code", "zip", "county",
    "city", "state", "usa", "us", "america", "apartment", "floor", "building", "lot", "box",
    "po", "p.o", "route", "highway", "interstate", "christmas", "thanksgiving", "easter",
    "holiday", "weekend", "weekday", "week", "month", "year", "day", "days", "hour", "hours",
    "minute", "minutes", "mhm", "ah", "er", "ahh", "oops", "whoops", "correction",
    "otherwise", "also", "again", "once", "twice", "spelled", "spelt", "like", "as", "in",
    "hm", "hmm", "mm", "huh", "aha", "ooh", "wow", "whoa", "yikes", "ugh", "gosh", "geez",
    "jeez", "ouch", "oof", "phew", "shoot", "darn", "dang", "ha", "haha", "eh", "meh", "fun",
    "congratulations", "congrats", "smart", "poor", "thing", "yes", "absolutely", "exactly",
    "indeed", "fine", "glad", "happy", "fixed", "updated", "corrected", "noted", "understood",
    "copy", "roger", "cheers", "bless", "hey", "please", "alright", "welcome", "bright", "early",
    "late", "quick", "sure", "ready", "ok", "okey", "dokey", "any", "every", "each",
];
pub const TITLES: &[&str] = &["mr", "mrs", "ms", "miss", "dr", "mister", "mx"];

/// Lower-case particles inside a name ("van der", "de la", "bin", "al").
#[rustfmt::skip]
pub const PARTICLES: &[&str] = &[
    "van", "der", "den", "de", "la", "le", "von", "da", "di", "del", "della", "dos", "das", "du",
    "bin", "ibn", "al", "el", "ter", "ten", "zu", "y",
];
