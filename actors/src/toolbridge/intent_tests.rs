//! Tests of commitment detection: many ways of saying it, and the near misses that are not.

use super::*;

fn intents(text: &str) -> Vec<Intent> {
    detect(&Sentence::parse(text))
}

#[test]
fn booking_commitments_in_many_words() {
    let mut missed = Vec::new();
    for text in [
        "Let me book that for you.",
        "Great, I'll get that scheduled.",
        "I'm booking that now.",
        "Let me put you down for Tuesday at 3 pm.",
        "Okay, let me go ahead and get you booked.",
        "Perfect, you're all booked for Thursday.",
        "I've gone ahead and scheduled that.",
        "Alright, I'll lock that in.",
        "I'll pencil you in for Tuesday at nine.",
        "You're down for Tuesday at nine.",
        "I'm adding that to the schedule now.",
        "Let me get that on the books for you.",
        "I've got you on the calendar for Thursday.",
        "Okay, that's all booked for you.",
        "Perfect, I'm putting you in for 3 PM.",
        "Alright, you're confirmed for Monday at 10.",
        "Great, you're all set.",
        "I went ahead and booked that.",
        "Done, you're booked.",
        "I've reserved Tuesday at nine for you.",
        "Your appointment is set for Tuesday at 9.",
        "We have you scheduled for Thursday at 2.",
        "I'll put you on the schedule for Friday.",
        "I'm scheduling the technician for Thursday morning at 8.",
        "I'll have a technician out there Thursday at 2.",
        "I'll send someone out Thursday at 2.",
        "Let me lock in Thursday at 2 for you.",
        "I'll go ahead and confirm that for Tuesday at nine.",
        "That's locked in.",
        "I'll make the appointment for Tuesday at 9.",
        "I've made your appointment for Tuesday at 9.",
        "I'll get you booked in for Tuesday.",
        "I'll squeeze you in at 4.",
        "Let me grab that 9 AM slot for you.",
        "I'll save that spot for you.",
        "I'm locking that in now.",
        "Consider it done.",
        "It's on the calendar.",
        "You're on the books for Tuesday at 9.",
        "So we're all set for Tuesday at 9.",
        "Your visit is confirmed.",
        "That appointment is now scheduled.",
        "Booking that now.",
        "Scheduling you for Tuesday at 9.",
        "Putting you down for Tuesday at 9.",
        "We'll get you taken care of Tuesday at 9.",
        "I have you booked for Tuesday.",
        "All right, the appointment's booked.",
        "I'll book you in with Dr. Patel on Tuesday.",
        "I'll set that up for Tuesday at 9.",
        "You're officially on the schedule.",
        "I've blocked off Tuesday at 9 for you.",
        "I'm marking you down for Tuesday.",
        "I'll slot you in Tuesday morning.",
        "Your appointment has been booked.",
        "The furnace repair is scheduled for Thursday at 8.",
        "Got you booked, Dana.",
        "I'm putting, I'm putting you on for Saturday at 10.",
        "I'm sending a technician Thursday at 2 PM.",
        "Okay, I'm setting up a rekey for Thursday at 2.",
        "I've entered it.",
        "I'm getting you on the calendar now.",
        "We've penciled you in for Friday at 11.",
        "I'll reserve that slot for you.",
        "Booked, Tuesday at 9.",
        "I've blocked that off for you.",
        "Alright, I've locked in the green pool cleanup for Tuesday at 9 AM.",
        "Friday at 8 AM, I'm entering the local move in the system now.",
        "So Friday at 8 AM, still booked.",
        "Very good, I've entered the pitch raise for Friday the 16th at 2 PM.",
        "Then I'm scheduling you for the 24th at 9:30, and the tuner will check if it needs tuning.",
        "Okay, Aleksander, that's in the calendar.",
        "I'm putting down a laptop screen replacement for Thursday at noon.",
        "Got you. Today 4 PM, glasses fitting, confirmed.",
        "Perfect, upholstery cleaning for Thursday at 2:15 is booked.",
        "Writing it in now.",
        "Lovely, your upholstery cleaning is on for Monday the 15th at 11:30.",
        "Okay, it's on the schedule.",
        "Okay Rebecca, we're set for tomorrow at 9.",
        "great youre all set Siddharth full detail Monday at two thirty",
        "Okay, you're good for Tuesday at nine.",
        "Your name's down for Tuesday at nine.",
        "Perfect, that slot is yours.",
        "You are officially on my calendar!",
        "That's down under Quinlan: flat repair, Tuesday at 11:45.",
        "Okay, Thursday at 2:15 pm is now yours.",
        "Lovely, that's gone in the diary.",
        "So, um, that's you sorted.",
        "Got you in.",
        "Mr. Haddad, we're all squared away for this coming Saturday at noon.",
        "I've nailed down tomorrow at 1:15 pm for your in-home estimate.",
        "Excellent, that's all arranged for next Tuesday at noon.",
        "That's a go.",
        "Alright, Gustavo, appointment secured.",
        "Great, I've put that through.",
        "We'll see you Friday at four, booking's complete.",
        "Your hearing test has been entered for Monday the 20th.",
        "Appointment's made, Catherine.",
        "I've filed the booking: fence washing, Friday at one o'clock.",
        "Your appointment is for Tuesday at 9.",
        "I've put in a work order for Tuesday morning.",
        "I can confirm you're booked for Tuesday at nine.",
        "Happy to confirm, you're all set.",
        "You'll be all set for Tuesday at 9.",
        "Okay, I've got that down.",
        "I'll pop you in for Tuesday at nine.",
        "I've made a booking for Tuesday at 9.",
        "I'll arrange for a technician to come on Tuesday at 9.",
        "That's all organised for Tuesday.",
    ] {
        if intents(text) != vec![Intent::Book] {
            missed.push(format!("{text} -> {:?}", intents(text)));
        }
    }
    assert!(
        missed.is_empty(),
        "not read as booking:\n{}",
        missed.join("\n")
    );
}

#[test]
fn moving_an_appointment() {
    for text in [
        "I'll move your visit to Friday at two.",
        "Let me reschedule that for Thursday at 10.",
        "I've moved it to Thursday, Ebo.",
        "I'm switching your appointment to Monday at 9.",
        "Okay, I've rescheduled you for Wednesday at 3.",
        "I'll move your Friday gutter cleaning to Wednesday at 2 PM.",
        "Okay, I've moved your full groom from Saturday to Monday at 10:30.",
        "I've moved you to Tuesday at a quarter to four instead, is that alright?",
        "Okay, I'm moving your action regulation from the 16th to the 23rd at 10 AM.",
    ] {
        assert_eq!(intents(text), vec![Intent::Reschedule], "{text}");
    }
}

#[test]
fn questions_offers_and_conditions_are_not_commitments() {
    let mut wrong = Vec::new();
    for text in [
        "Would you like me to book that?",
        "Before I book that, can I get your email?",
        "Before I book that, I'll need your email.",
        "I'll book it once I have your address.",
        "I can book that for you.",
        "I won't book anything then.",
        "Shall I go ahead and schedule it?",
        "If that works, I'll book it.",
        "I can pencil you in for Tuesday if you like.",
        "Do you want me to put you down for Tuesday?",
        "I could get someone out Tuesday.",
        "I'll make a note of that.",
        "Let me put you on hold for a moment.",
        "I'll pass that along to the manager.",
        "I'll have someone call you back.",
        "Tuesday at nine is booked, unfortunately.",
        "Sorry, that slot's already taken.",
        "We're fully booked Tuesday.",
        "If Tuesday works, I'll put you down.",
        "I'd be happy to schedule that.",
        "Let me know and I'll book it.",
        "I'll note that down.",
        "I'll add that to your file.",
        "We book about two weeks out.",
        "You'll be all set once we confirm.",
        "Are you booked with us already?",
        "Thursday at 2 is booked, but I have 3.",
        "Sorry, Tuesday is all booked up.",
        "I'll book you in as soon as a slot opens.",
        "I'll put you on the waitlist for Tuesday.",
        "Just call us back when you're ready and we'll book it.",
        "If the crew thinks it's a one-day job, I'll schedule you for Saturday at 8.",
        "Tuesday at nine is booked. How about ten?",
        "I've noted your number.",
        "I can put you down for Tuesday.",
        "You'll be all set once we confirm.",
        "Your appointment is not until next week, do you want an earlier one?",
        "Your details are saved.",
        "I'll hold that for you while you check with your husband.",
    ] {
        let got = intents(text);
        if got.contains(&Intent::Book) || got.contains(&Intent::Reschedule) {
            wrong.push(format!("{text} -> {got:?}"));
        }
    }
    assert!(
        wrong.is_empty(),
        "read as a commitment:\n{}",
        wrong.join("\n")
    );
}

#[test]
fn availability_and_cancel() {
    assert_eq!(
        intents("Let me check if Tuesday at three is open."),
        vec![Intent::CheckAvailability]
    );
    assert_eq!(
        intents("Let me see if we have anything Thursday morning."),
        vec![Intent::CheckAvailability]
    );
    assert_eq!(
        intents("One moment while I check the schedule."),
        vec![Intent::CheckAvailability]
    );
    assert_eq!(
        intents("Let me cancel that appointment for you."),
        vec![Intent::Cancel]
    );
    assert_eq!(
        intents("Okay, your appointment has been cancelled."),
        vec![Intent::Cancel]
    );
    assert_eq!(
        intents("Let me cancel the Tuesday one, and I'll book you for Thursday."),
        vec![Intent::Cancel, Intent::Book]
    );
    assert_eq!(intents("Would you like me to check Thursday?"), vec![]);
    assert_eq!(
        intents("I've cancelled Wednesday and paused the biweekly cleaning until you call us."),
        vec![Intent::Cancel]
    );
}

#[test]
fn updates_are_their_own_intent() {
    assert!(intents("I've corrected it.").contains(&Intent::Update));
    assert!(intents("Updated.").contains(&Intent::Update));
}
