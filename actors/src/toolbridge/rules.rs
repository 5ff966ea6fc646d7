//! The shapes of the agent's commitments, as data.
//!
//! A commitment is a first-person statement that the agent is doing something *now*: "I'll
//! pencil you in", "I'm adding that to the schedule", "you're down for Tuesday at nine", "I'll
//! move your visit to Friday". A question, an offer ("I can book that") or a conditional ("if
//! that works I can put you down") is not. The rules below describe the *structure* (a subject,
//! room for adverbs, a verb of booking and what it needs after it) rather than whole phrases,
//! so an agent that words it differently still matches. The pattern language is described in
//! [`super::pattern`]; the blockers that undo a match are in [`super::intent`].
//!
//! Kept apart from the matching code so that tuning what triggers a tool call is an edit to a
//! table, reviewed on its own, not a change to control flow.

use super::intent::Intent;

/// One phrase shape that signals an intent.
#[derive(Debug, Clone, Copy)]
pub struct Rule {
    pub intent: Intent,
    pub pattern: &'static str,
}

/// Named phrase groups shared by the rules. `""` makes a group optional.
#[rustfmt::skip]
pub const GROUPS: &[(&str, &[&str])] = &[
    // The agent about to do something itself: not an offer ("I can"), not a question.
    ("will", &[
        "let me", "lemme", "let's", "let us", "i'll", "i will", "i'm going to", "i am going to",
        "i'm gonna", "i am gonna", "we'll", "we will", "we're going to", "we are going to",
        "we're gonna", "i'm about to", "i'm just going to", "i'm going to go ahead and",
    ]),
    // The agent doing it as it speaks: "I'm adding", "we're booking".
    ("am", &["i'm", "i am", "we're", "we are"]),
    // The agent having done it: "I've booked", "I booked", "we've put you down".
    ("did", &["i've", "i have", "we've", "we have", "i", "we", "i've just", "i just", "we just"]),
    // Adverbs and fillers between the subject and the verb.
    ("adv", &[
        "", "go ahead and", "go on and", "just", "quickly", "now", "also", "right now", "actually",
        "officially", "then", "try and", "try to", "gone ahead and", "already", "now gone ahead and",
        "definitely", "going to", "gonna", "go ahead and just", "just go ahead and", "just quickly",
    ]),
    // What is being booked: the caller, the slot, the visit.
    ("obj", &[
        "you", "that", "this", "it", "that in", "him", "her", "them", "everything", "you all",
        "that appointment", "the appointment", "your appointment", "an appointment",
        "that booking", "the booking", "your booking", "that visit", "the visit", "your visit",
        "a visit", "that slot", "the slot", "that time", "that spot", "the spot", "that one",
        "you guys", "you folks", "that for you", "this for you", "that service", "the service",
        "that call", "the call", "the job", "that job", "that cleaning", "the cleaning",
        "your cleaning", "that repair", "the repair", "that inspection", "the inspection",
        "that time slot", "the time slot", "your spot", "your slot", "your time",
    ]),
    // Where a booking is written down.
    ("sched", &[
        "schedule", "calendar", "books", "book", "system", "diary", "appointment book",
        "route", "agenda", "roster", "docket", "board", "list", "planner",
    ]),
    ("on_sched", &[
        "on the schedule", "on our schedule", "on the calendar", "on our calendar", "on the books",
        "on our books", "in the system", "in our system", "in the calendar", "in our calendar",
        "in the schedule", "in our schedule", "on the route", "in the book", "in the books",
        "on the board", "into the schedule", "into the system", "into the calendar",
        "on my calendar", "on my schedule", "in my calendar", "in my schedule", "in the diary",
        "in my diary", "into the diary", "in our diary", "on the diary",
    ]),
    // A person sent out to do the job.
    ("worker", &[
        "someone", "somebody", "a tech", "a technician", "our tech", "our technician", "the tech",
        "the technician", "a plumber", "an electrician", "a crew", "our crew", "the crew",
        "our team", "the team", "a team", "a specialist", "one of our techs",
        "one of our technicians", "a pro", "an inspector", "a groomer", "a mechanic",
        "a cleaner", "our cleaners", "a cleaning crew", "our guys", "a guy",
    ]),
    // "you're", "you are", "you've been": the caller's resulting state.
    ("you_are", &[
        "you're", "you are", "you've been", "you have been", "you're now", "you are now",
        "you're still", "you are still", "you're also", "you're officially",
    ]),
    // "that's", "it's", "your appointment is": the slot's resulting state.
    ("it_is", &[
        "that's", "that is", "it's", "it is", "this is", "everything's", "everything is",
        "that's now", "it's now", "your appointment is", "the appointment is", "your visit is",
        "the visit is", "your booking is", "the booking is", "that appointment is",
        "that has been", "that's been", "it's been", "it has been", "your appointment's",
        "appointment's", "you're appointment is", "booking's", "your booking's", "visit's",
        "your visit's", "that's gone", "it's gone", "that's all", "it's all", "that's you",
        "that is you", "everything's all",
    ]),
    ("done", &[
        "booked", "scheduled", "confirmed", "reserved", "locked in", "set", "all set",
        "all booked", "all scheduled", "all confirmed", "penciled in", "pencilled in",
        "booked in", "booked and confirmed", "on the schedule", "on the calendar", "on the books",
        "officially booked", "now booked", "good to go", "all good to go", "squared away",
        "all squared away", "taken care of", "all taken care of", "set up", "arranged",
        "all arranged", "sorted", "all sorted", "sorted out", "complete", "completed", "finalized",
        "finalised", "made", "organised", "organized", "entered", "logged", "added", "in the diary", "in the calendar",
        "in the book", "in the books", "a go", "good to go", "locked down", "nailed down",
        "secured", "firmed up", "in place", "on my calendar", "on my schedule", "set in stone",

    ]),
    ("holder", &["i", "we", "i've", "we've"]),
    ("we_are", &["we're", "we are", "we're now", "we're all"]),
    // What may open a fragment: "Okay, booked."
    ("opener", &[
        "", "okay", "ok", "alright", "all right", "right", "great", "perfect", "so", "and",
        "good", "excellent", "wonderful", "awesome", "sure", "then", "yes", "yep", "done",
        "okay so", "alright so", "great so", "perfect so", "and you're", "lovely", "fantastic",
    ]),
    // A third party or pet being booked in: "I've put Oscar in for four".
    ("name_obj", &["him", "her", "them", "your son", "your daughter", "your dog", "your cat", "the car", "your car", "the dog", "the cat"]),
    ("have_got", &["have", "got", "'ve got", "have got", "now have", "now got"]),
    // What moving an appointment is about.
    ("thing", &[
        "appointment", "visit", "booking", "service", "cleaning", "repair", "inspection",
        "reservation", "slot", "time", "call", "job", "checkup", "check-up", "exam", "session",
        "consultation", "estimate", "tune-up", "tune", "grooming",
    ]),
    ("your", &["your", "the", "that", "this", "the existing", "your existing"]),
];

/// Every commitment shape. Order does not matter: each intent is reported once per sentence.
#[rustfmt::skip]
pub const RULES: &[Rule] = &[
    // --- Booking, about to do it: "let me book that", "I'll pencil you in", "I'll get you
    // on the schedule", "let me lock that in", "I'll get a tech out to you Thursday".
    Rule { intent: Intent::Book, pattern: "{will} {adv} book|schedule|reserve|secure|confirm" },
    Rule { intent: Intent::Book, pattern: "{will} {adv} pencil|put|slot|squeeze|fit|lock|sign|write|jot|mark|block|pop|stick {obj} in|down|up|off|for|into" },
    Rule { intent: Intent::Book, pattern: "{will} {adv} arrange for|a|the|your|that" },
    Rule { intent: Intent::Book, pattern: "{will} {adv} put|slot|pencil {obj} on for" },
    Rule { intent: Intent::Book, pattern: "{will} {adv} pencil|put|slot|squeeze|fit|write|jot|mark {obj} {on_sched}" },
    Rule { intent: Intent::Book, pattern: "{will} {adv} add {obj} to|onto the|our|my {sched}" },
    Rule { intent: Intent::Book, pattern: "{will} {adv} set {obj} up" },
    Rule { intent: Intent::Book, pattern: "{will} {adv} set up your|the|an|that appointment|visit|booking" },
    Rule { intent: Intent::Book, pattern: "{will} {adv} get|have {obj} {done}" },
    Rule { intent: Intent::Book, pattern: "{will} {adv} get|have {obj} in|down|on" },
    Rule { intent: Intent::Book, pattern: "{will} {adv} get|have {obj} {on_sched}" },
    Rule { intent: Intent::Book, pattern: "{will} {adv} get|send|have|dispatch {worker} out|over|to|there|by|on|for|at|this|tomorrow|today|first" },
    Rule { intent: Intent::Book, pattern: "{will} {adv} dispatch {worker}" },
    // "I'll send Tony this afternoon at two thirty": a technician by name.
    Rule { intent: Intent::Book, pattern: "{will} {adv} send * out|over|there|this|tomorrow|today|on|at|first" },
    Rule { intent: Intent::Book, pattern: "{will} {adv} lock in|down" },
    Rule { intent: Intent::Book, pattern: "{will} {adv} make|create|enter|log the|that|an|a|your appointment|booking|reservation" },
    Rule { intent: Intent::Book, pattern: "{will} {adv} put|set in|up the|that|an|your appointment|booking|reservation" },
    Rule { intent: Intent::Book, pattern: "{will} {adv} set up a|an|your|the" },
    Rule { intent: Intent::Book, pattern: "{will} {adv} grab|save|claim|take|keep|reserve that|this|the|your|a *? *? slot|spot|opening|time|appointment" },
    Rule { intent: Intent::Book, pattern: "{will} {adv} block|set off|aside" },
    Rule { intent: Intent::Book, pattern: "{will} {adv} block|set {obj} off|aside" },
    Rule { intent: Intent::Book, pattern: "{will} {adv} lock|pencil|slot|squeeze|book|put|write|mark in|down|up a|an|the|your|that|this|you|it" },
    Rule { intent: Intent::Book, pattern: "{will} {adv} enter|log|input|add the|a|an|your|that|this|it|you *? *? *? {on_sched}" },
    // --- Booking, doing it now: "I'm booking", "I'm adding that to the schedule now".
    Rule { intent: Intent::Book, pattern: "{am} {adv} booking|scheduling|reserving|confirming|securing" },
    Rule { intent: Intent::Book, pattern: "{am} {adv} penciling|pencilling|putting|slotting|squeezing|fitting|locking|signing|writing|marking {obj} in|down|up|into" },
    Rule { intent: Intent::Book, pattern: "{am} {adv} putting|penciling|pencilling|writing|marking {obj} {on_sched}" },
    Rule { intent: Intent::Book, pattern: "{am} {adv} putting|slotting|penciling|pencilling {obj} on for" },
    Rule { intent: Intent::Book, pattern: "{am} {adv} adding {obj} to|onto the|our|my {sched}" },
    Rule { intent: Intent::Book, pattern: "{am} {adv} getting|setting {obj} {done}" },
    Rule { intent: Intent::Book, pattern: "{am} {adv} getting|setting {obj} up|in|down" },
    Rule { intent: Intent::Book, pattern: "{am} {adv} getting|setting {obj} {on_sched}" },
    Rule { intent: Intent::Book, pattern: "{am} {adv} sending|dispatching {worker}" },
    Rule { intent: Intent::Book, pattern: "{am} {adv} sending|dispatching him|her|them out|over|to|there|on|for|at|this|tomorrow|today" },
    Rule { intent: Intent::Book, pattern: "{am} {adv} dispatching him|her|them" },
    Rule { intent: Intent::Book, pattern: "{am} {adv} setting up a|an|your|the" },
    Rule { intent: Intent::Book, pattern: "{am} {adv} locking|penciling|pencilling|slotting|squeezing|booking|putting|writing|marking in|down|up a|an|the|your|that|this|you|it" },
    Rule { intent: Intent::Book, pattern: "{am} {adv} entering|logging|inputting|saving|adding the|a|an|your|that|this|it|you" },
    Rule { intent: Intent::Book, pattern: "{am} {adv} blocking|setting {obj} off|aside" },
    Rule { intent: Intent::Book, pattern: "{did} {adv} sent|dispatched {worker}" },
    Rule { intent: Intent::Book, pattern: "{am} {adv} making|creating|entering|logging the|that|an|your appointment|booking|reservation" },
    Rule { intent: Intent::Book, pattern: "booking|scheduling {obj} now|in|for" },
    // Fragments with the subject left out: "Putting you down for Tuesday.", "Booked, Tuesday at 9."
    Rule { intent: Intent::Book, pattern: "^ {opener} putting|penciling|pencilling|slotting|squeezing|fitting|adding|locking|getting|marking|writing|entering|booking {obj} in|down|up|for|on|into|now" },
    Rule { intent: Intent::Book, pattern: "^ {opener} booking|scheduling|confirming|reserving it|that|this|you|now" },
    Rule { intent: Intent::Book, pattern: "^ {opener} booked|scheduled|reserved|confirmed|done|set" },
    Rule { intent: Intent::Book, pattern: "^ {opener} all set|booked|scheduled|done|confirmed" },
    Rule { intent: Intent::Book, pattern: "^ {opener} locked|penciled|pencilled|booked in" },
    // The verdict said last: "Today 4 PM, glasses fitting, confirmed."
    Rule { intent: Intent::Book, pattern: "confirmed|booked|scheduled|reserved $" },
    // --- Booking, done: "I've booked you", "I put you down", "we've got you scheduled".
    Rule { intent: Intent::Book, pattern: "{did} {adv} booked|scheduled|reserved|confirmed|secured" },
    Rule { intent: Intent::Book, pattern: "{did} {adv} penciled|pencilled|put|slotted|squeezed|fit|fitted|locked|signed|written|wrote|marked|popped|stuck {obj} in|down|up|into" },
    Rule { intent: Intent::Book, pattern: "{did} {adv} arranged for|a|the|your|that" },
    Rule { intent: Intent::Book, pattern: "{did} {adv} penciled|pencilled|put|slotted|written|wrote|marked {obj} {on_sched}" },
    Rule { intent: Intent::Book, pattern: "{did} {adv} put|slotted|penciled|pencilled {obj} on for" },
    Rule { intent: Intent::Book, pattern: "{did} {adv} put {name_obj} in|down for" },
    Rule { intent: Intent::Book, pattern: "{did} {adv} added {obj} to|onto the|our|my {sched}" },
    Rule { intent: Intent::Book, pattern: "{did} {adv} added {obj} to|onto *? *? *? {sched}" },
    Rule { intent: Intent::Book, pattern: "{did} {adv} got|gotten|set {obj} {done}" },
    Rule { intent: Intent::Book, pattern: "{did} {adv} got|gotten|set {obj} up|in|down" },
    Rule { intent: Intent::Book, pattern: "{did} {adv} made|created|entered|logged the|that|an|a|your appointment|booking|reservation" },
    Rule { intent: Intent::Book, pattern: "{did} {adv} put|set in|up the|that|an|your appointment|booking|reservation" },
    Rule { intent: Intent::Book, pattern: "{did} {adv} blocked|set off|aside" },
    Rule { intent: Intent::Book, pattern: "{did} {adv} blocked|set {obj} off|aside" },
    Rule { intent: Intent::Book, pattern: "{did} {adv} locked|penciled|pencilled|slotted|squeezed|booked|put|written|wrote|marked in|down|up a|an|the|your|that|this|you|it" },
    Rule { intent: Intent::Book, pattern: "{did} {adv} entered|logged|inputted|input|saved|added the|a|an|your|that|this|it|you" },
    Rule { intent: Intent::Book, pattern: "{did} {adv} grabbed|saved|claimed|reserved that|this|the|your|a *? *? slot|spot|opening|time" },
    Rule { intent: Intent::Book, pattern: "{did} {adv} entered|logged|saved it|that|this|you|everything" },
    Rule { intent: Intent::Book, pattern: "{did} {adv} set up a|an|your|the" },
    // --- The caller's resulting state: "you're all set", "you're down for Tuesday", "I have
    // you down for nine", "that's booked", "consider it done".
    Rule { intent: Intent::Book, pattern: "{you_are} all? officially? now? booked|scheduled|confirmed|reserved|set|penciled|pencilled|locked|squared|good" },
    Rule { intent: Intent::Book, pattern: "{you_are} all? down|in|on for" },
    Rule { intent: Intent::Book, pattern: "{you_are} all? officially? {on_sched}" },
    Rule { intent: Intent::Book, pattern: "{we_are} all? set|booked|scheduled|confirmed for|on" },
    Rule { intent: Intent::Book, pattern: "{we_are} all set" },
    Rule { intent: Intent::Book, pattern: "{we_are} good to go" },
    Rule { intent: Intent::Book, pattern: "{we_are} all? squared|sorted away|out? for|on" },
    Rule { intent: Intent::Book, pattern: "{you_are} all? sorted|squared" },
    Rule { intent: Intent::Book, pattern: "^ {opener} got you in|down|booked|scheduled|sorted" },
    Rule { intent: Intent::Book, pattern: "{will} {adv} nail|pin|firm|lock|tie down|up" },
    Rule { intent: Intent::Book, pattern: "{did} {adv} nailed|pinned|firmed|locked|tied down|up" },
    Rule { intent: Intent::Book, pattern: "{did} {adv} put|pushed {obj} through" },
    Rule { intent: Intent::Book, pattern: "{did} {adv} filed|placed|submitted|lodged|created|logged|opened|put the|your|that|a booking|appointment|reservation|visit|order|request|ticket" },
    Rule { intent: Intent::Book, pattern: "{did} {adv} filed|placed|submitted|created|opened|put in the|a|your work order|service request|service order|job" },
    Rule { intent: Intent::Book, pattern: "{will} {adv} put in|open|create the|a|your work order|service request|service order|ticket|order" },
    Rule { intent: Intent::Book, pattern: "{will} {adv} file|place|submit|lodge the|your|that|a booking|appointment|reservation|visit" },
    Rule { intent: Intent::Book, pattern: "appointment|booking|visit|reservation|slot secured|booked|confirmed|made|arranged|entered|scheduled|reserved|locked" },
    Rule { intent: Intent::Book, pattern: "{you_are} all? good for|to" },
    Rule { intent: Intent::Book, pattern: "{we_are} all? good for" },
    Rule { intent: Intent::Book, pattern: "your? name's down|in for" },
    Rule { intent: Intent::Book, pattern: "your? name is down|in for" },
    Rule { intent: Intent::Book, pattern: "{you_are} all? officially? added|put|entered|written to|on|in|into|down" },
    Rule { intent: Intent::Book, pattern: "{holder} {have_got} you down|booked|scheduled|penciled|pencilled|confirmed|reserved|in|for|set" },
    Rule { intent: Intent::Book, pattern: "{holder} {have_got} you {on_sched}" },
    Rule { intent: Intent::Book, pattern: "{holder} {have_got} that|it|this|everything down|in|booked|scheduled|reserved|confirmed" },
    Rule { intent: Intent::Book, pattern: "you'll|you will be all? set|booked|scheduled|confirmed for|on" },
    Rule { intent: Intent::Book, pattern: "got you down|booked|scheduled|penciled|pencilled|confirmed|reserved|set" },
    Rule { intent: Intent::Book, pattern: "got you in|on for" },
    Rule { intent: Intent::Book, pattern: "got you {on_sched}" },
    Rule { intent: Intent::Book, pattern: "booked it|that|you|this" },
    Rule { intent: Intent::Book, pattern: "consider it booked|done|scheduled|set|confirmed" },
    Rule { intent: Intent::Book, pattern: "all set|booked|scheduled|confirmed for|on" },
    // After a correction: "So Friday at 8 AM, still booked."
    Rule { intent: Intent::Book, pattern: "still booked|scheduled|confirmed|set|on|down|good" },
    // --- Amending the booking this call holds: "I've corrected it", "updated".
    Rule { intent: Intent::Update, pattern: "{did} {adv} updated|corrected|fixed|changed|amended it|that|this|the|your" },
    Rule { intent: Intent::Update, pattern: "{will} {adv} update|correct|fix|change|amend it|that|this|the|your" },
    Rule { intent: Intent::Update, pattern: "{am} {adv} updating|correcting|fixing|changing|amending it|that|this|the|your" },
    Rule { intent: Intent::Update, pattern: "updated|corrected|fixed|changed|amended" },
    // --- Moving an existing appointment: "I'll move your visit to Friday", "let me
    // reschedule that", "I've moved it to Thursday at 2".
    Rule { intent: Intent::Reschedule, pattern: "{will} {adv} reschedule|rebook" },
    Rule { intent: Intent::Reschedule, pattern: "^ {opener} switched|moved|changed|rescheduled|bumped|shifted to|over|it|that" },
    Rule { intent: Intent::Reschedule, pattern: "{will} {adv} move|switch|change|shift|bump|push {your} {thing}" },
    Rule { intent: Intent::Reschedule, pattern: "{will} {adv} move|switch|change|shift|bump|push your|the|that *? *? *? to|from|over" },
    Rule { intent: Intent::Reschedule, pattern: "{will} {adv} move|switch|shift|bump|push you|that|it|this|them|him|her to|over|up|back" },
    Rule { intent: Intent::Reschedule, pattern: "{am} {adv} rescheduling|rebooking" },
    Rule { intent: Intent::Reschedule, pattern: "{am} {adv} moving|switching|changing|shifting|bumping|pushing {your} {thing}" },
    Rule { intent: Intent::Reschedule, pattern: "{am} {adv} moving|switching|changing|shifting|bumping|pushing your|the|that *? *? *? to|from|over" },
    Rule { intent: Intent::Reschedule, pattern: "{am} {adv} moving|switching|shifting|bumping|pushing you|that|it|this to|over|up|back" },
    Rule { intent: Intent::Reschedule, pattern: "{did} {adv} rescheduled|rebooked" },
    Rule { intent: Intent::Reschedule, pattern: "{did} {adv} moved|switched|changed|shifted|bumped|pushed {your} {thing}" },
    Rule { intent: Intent::Reschedule, pattern: "{did} {adv} moved|switched|changed|shifted|bumped|pushed your|the|that *? *? *? to|from|over" },
    Rule { intent: Intent::Reschedule, pattern: "{did} {adv} moved|switched|shifted|bumped|pushed you|that|it|this to|over|up|back" },
    Rule { intent: Intent::Reschedule, pattern: "{did} {adv} moved|switched|shifted|changed|rescheduled you|that|it|this|them" },
    Rule { intent: Intent::Reschedule, pattern: "{it_is} all? now? moved|rescheduled|changed|switched" },
    // "So, Ingrid, your cleaning is now next Tuesday at ten forty-five."
    Rule { intent: Intent::Reschedule, pattern: "your *? *? appointment|visit|booking|cleaning|exam|service|session|lesson|groom|checkup|inspection is|'s now|moved" },
    Rule { intent: Intent::Reschedule, pattern: "{you_are} all? now? moved|rescheduled" },
    // --- Availability: looking something up before offering it.
    Rule { intent: Intent::CheckAvailability, pattern: "{will} {adv} double? check" },
    Rule { intent: Intent::CheckAvailability, pattern: "{will} {adv} see|look if|whether|what|when" },
    Rule { intent: Intent::CheckAvailability, pattern: "{will} {adv} look|pull at|up? the|our? {sched}" },
    Rule { intent: Intent::CheckAvailability, pattern: "checking the|our? {sched}" },
    Rule { intent: Intent::CheckAvailability, pattern: "while i check|look" },
    // --- Cancelling an existing appointment.
    Rule { intent: Intent::Cancel, pattern: "{will} {adv} cancel" },
    Rule { intent: Intent::Cancel, pattern: "{am} {adv} cancelling|canceling" },
    Rule { intent: Intent::Cancel, pattern: "{did} {adv} cancelled|canceled" },
    Rule { intent: Intent::Cancel, pattern: "appointment|booking|that|it is|has been? cancelled|canceled" },
    Rule { intent: Intent::Cancel, pattern: "that's|it's now? cancelled|canceled" },
];

/// Statements that something *is* booked: "that's booked", "the oven repair is scheduled",
/// "the whitening is on the books for May 5th". The same words also say a slot is unavailable
/// ("sorry, Tuesday at nine is booked"), so these count only when the thing booked is not a
/// time ([`SLOT_WORDS`] before them) and nothing in the sentence says it is unavailable
/// ([`UNAVAILABLE`]).
#[rustfmt::skip]
pub const STATE_RULES: &[&str] = &[
    "{it_is} all? officially? now? {done}",
    "{it_is} all? officially? now? {on_sched}",
    "{it_is} on for",
    "{it_is} yours",
    "{it_is} all? saved",
    "is|are now? all? yours",
    "{it_is} down for|under|as",
    "your appointment|visit|booking|reservation is|'s now? for|on",
    "is|are now? on for",
    "is|are all? officially? now? {done}",
    "has|have been|got all? officially? now? {done}",
];

/// Words opening a sentence that make "Thursday at 2:15 is booked" a confirmation: "Perfect,
/// upholstery cleaning for Thursday at 2:15 is booked."
#[rustfmt::skip]
pub const GLAD: &[&str] = &[
    "perfect", "great", "okay", "ok", "alright", "wonderful", "lovely", "excellent", "good",
    "awesome", "fantastic", "done", "so", "right",
];

/// Words right before "is booked" that make it about a slot, not the caller's appointment.
#[rustfmt::skip]
pub const SLOT_WORDS: &[&str] = &[
    "slot", "spot", "time", "opening", "day", "morning", "afternoon", "evening", "monday",
    "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday", "today", "tomorrow", "am",
    "pm", "noon", "week", "weekend", "calendar", "schedule", "one", "everyone", "he", "she",
    "they", "tech", "technician", "we", "all", "who", "what", "which",
];

/// Words that make "that's booked" mean a slot is taken.
#[rustfmt::skip]
pub const UNAVAILABLE: &[&str] = &[
    "sorry", "unfortunately", "afraid", "already", "taken", "full", "fully", "booked up",
    "solid", "no openings", "not", "nothing", "don't", "other", "someone else", "somebody else",
    "but", "however", "instead", "except",
];

/// Words that make a commitment conditional or negative anywhere in the sentence: "I'll book
/// it once I have your address", "before I book that...", "I'll pencil you in unless you hear
/// otherwise". A sentence with one of these commits to nothing; a missed booking is cheaper than
/// a wrong one, and the agent's next sentence usually commits plainly.
#[rustfmt::skip]
pub const BLOCK_ANYWHERE: &[&str] = &[
    "before i|we", "before booking|scheduling", "once i|we|you", "unless", "until i|we|you",
    "as soon as", "after i", "after we", "when i", "when we", "whether", "unable", "not able",
    "instead of", "rather than", "no longer", "not going to", "not yet", "in case", "provided",
    "assuming", "as long as", "tentatively", "tentative", "hold off", "waitlist",
    "waiting list", "wait list", "on hold", "hold on", "let me know", "when you're ready",
    "when you are ready", "get back to", "call us back", "give us a call",
];

/// Words that turn what follows them into an offer, a wish or a refusal: "I'd be happy to
/// book that", "I could put you down for Tuesday", "I can't get you in". They block only
/// when they come before the commitment, so "I'll book that, don't worry" still commits.
#[rustfmt::skip]
pub const BLOCK_BEFORE: &[&str] = &[
    "if", "can", "can't", "cannot", "could", "couldn't", "would", "wouldn't", "might", "may",
    "should", "shouldn't", "won't", "don't", "do not", "didn't", "did not", "haven't", "have not",
    "hasn't", "wasn't", "weren't", "isn't", "happy to", "able to", "want me to", "like me to",
    "want to", "wanna", "prefer", "shall", "i'd", "we'd", "need to", "have to", "supposed to",
    "trying to", "tried to", "hoping to", "hope to", "plan to", "planning to", "not", "never",
];

/// Words before "if" that make it mean "whether" ("the tuner will check if it needs...").
pub const IF_WHETHER: &[&str] = &[
    "check",
    "see",
    "know",
    "ask",
    "sure",
    "wonder",
    "tell",
    "asked",
    "confirm",
    "even",
    "as",
    "checks",
    "sees",
    "look",
    "test",
    "find out",
    "figure out",
];

/// Offer words that are not offers in these phrases: "I can confirm you're booked", "happy to
/// confirm".
#[rustfmt::skip]
pub const NOT_AN_OFFER: &[&str] = &[
    "can confirm", "could confirm", "can see", "can tell you", "happy to confirm",
    "happy to say", "happy to report", "glad to say", "pleased to confirm",
];

/// After the commitment, "if" makes it conditional ("I'll book you in if that works") unless
/// it opens an ordinary aside ("if anything changes, call us").
#[rustfmt::skip]
pub const IF_ASIDE: &[&str] = &[
    "anything", "any", "you need", "you have", "you ever", "there's", "there is", "something",
    "your plans", "plans", "things", "you'd like to change", "you want to change", "for some reason",
];

#[cfg(test)]
mod tests {
    use super::super::pattern::Pattern;
    use super::*;

    #[test]
    fn every_rule_compiles() {
        for rule in RULES {
            Pattern::compile(rule.pattern, GROUPS);
        }
        for table in [
            STATE_RULES,
            SLOT_WORDS,
            UNAVAILABLE,
            BLOCK_ANYWHERE,
            BLOCK_BEFORE,
            IF_ASIDE,
        ] {
            for phrase in table {
                Pattern::compile(phrase, GROUPS);
            }
        }
    }
}
