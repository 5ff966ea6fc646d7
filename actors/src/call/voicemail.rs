//! `Voicemail`: the last resort — a greeting, a beep, and the caller's message on disk.

use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use actix::prelude::*;

use super::announcer::Announcer;
use super::messages::{Announce, AnnouncementDone, CallerPcm, MediaCommand, Shutdown};
use super::registry::mask_number as mask;
use crate::services::{KickOutbox, MailOutbox, StoreHandle};
use crate::voicemail::{beep, RecordState, VoicemailRecorder};

/// Caller audio is written to disk in batches of this length: small enough that a crash loses
/// little, large enough that the disk is touched twice a second, not fifty times.
const WRITE_BATCH: Duration = Duration::from_millis(500);

/// Process-wide voicemail settings.
#[derive(Debug, Clone)]
pub struct VoicemailSettings {
    /// Where messages are written (`<dir>/<call sid>.wav`).
    pub dir: PathBuf,
    /// Longest message; the call is ended when it is reached.
    pub max: Duration,
    /// The greeting at each wire rate a call may use (8, 16, 24 kHz).
    pub greetings: Vec<(u32, Arc<Vec<i16>>)>,
    /// Who is told about a new message (None: nobody).
    pub notify_to: Option<String>,
    /// Name of the business, for the notification's subject.
    pub business_name: String,
}

/// Records a caller's message: plays the greeting and a beep, then writes what the caller
/// says to a WAV file until they hang up or the maximum length is reached; then records the
/// message in the store and queues a notification email.
///
/// File writes happen on the blocking pool in half-second batches, never on the call's thread.
/// (The recorder also flushes after each batch, so a crash loses at most one batch.)
pub struct Voicemail {
    call_sid: String,
    from: String,
    rate: u32,
    settings: Arc<VoicemailSettings>,
    announcer: Addr<Announcer>,
    media: Recipient<MediaCommand>,
    store: StoreHandle,
    outbox: Option<Addr<MailOutbox>>,
    recorder: Option<Arc<Mutex<VoicemailRecorder>>>,
    /// Spoken (synthesized) instead of the recorded greeting, e.g. the after-hours one.
    spoken_greeting: Option<String>,
    /// Caller audio not yet written.
    pending: Vec<i16>,
    started: Option<Instant>,
    full: bool,
}

impl Voicemail {
    #[allow(clippy::too_many_arguments)]
    pub fn new(
        call_sid: String,
        from: String,
        rate: u32,
        settings: Arc<VoicemailSettings>,
        announcer: Addr<Announcer>,
        media: Recipient<MediaCommand>,
        store: StoreHandle,
        outbox: Option<Addr<MailOutbox>>,
    ) -> Self {
        Voicemail {
            call_sid,
            from,
            rate,
            settings,
            announcer,
            media,
            store,
            outbox,
            recorder: None,
            spoken_greeting: None,
            pending: Vec::new(),
            started: None,
            full: false,
        }
    }

    /// Speaks `sentence` before the beep instead of the recorded greeting (the after-hours
    /// greeting of `[business] after_hours = "voicemail"`).
    pub fn with_spoken_greeting(mut self, sentence: String) -> Self {
        self.spoken_greeting = Some(sentence);
        self
    }

    /// Writes the pending audio (on the blocking pool); ends the call when the message is full.
    fn write_pending(&mut self, ctx: &mut Context<Self>) {
        let Some(recorder) = self.recorder.clone() else {
            return;
        };
        if self.pending.is_empty() {
            return;
        }
        let batch = std::mem::take(&mut self.pending);
        let write = async move {
            tokio::task::spawn_blocking(move || {
                recorder
                    .lock()
                    .unwrap_or_else(|p| p.into_inner())
                    .push(&batch)
            })
            .await
        };
        // `wait`: writes stay in order and the final one in `Shutdown` comes after them all;
        // only this actor's mailbox pauses (for a millisecond), never the audio path.
        ctx.wait(write.into_actor(self).map(|result, vm, _ctx| match result {
            Ok(Ok(RecordState::Recording)) => {}
            Ok(Ok(RecordState::Full)) => {
                if !vm.full {
                    vm.full = true;
                    log::info!(
                        "call {}: voicemail reached its maximum length; ending the call",
                        vm.call_sid
                    );
                    vm.media.do_send(MediaCommand::Close);
                }
            }
            Ok(Err(e)) => log::error!("call {}: voicemail write failed: {e}", vm.call_sid),
            Err(e) => log::error!("call {}: voicemail writer died: {e}", vm.call_sid),
        }));
    }
}

impl Actor for Voicemail {
    type Context = Context<Self>;

    fn started(&mut self, ctx: &mut Context<Self>) {
        log::info!("call {}: taking a voicemail", self.call_sid);
        let recorded = self
            .settings
            .greetings
            .iter()
            .find(|(rate, _)| *rate == self.rate)
            .map(|(_, pcm)| pcm.as_slice())
            .unwrap_or(&[]);
        // The announcer plays its queue in order: the sentence, then the beep below.
        let (label, greeting): (&str, &[i16]) = match self.spoken_greeting.take() {
            Some(sentence) => {
                self.announcer.do_send(Announce::say(sentence));
                ("voicemail beep", &[])
            }
            None => ("voicemail greeting", recorded),
        };
        let mut audio = Vec::with_capacity(greeting.len() + self.rate as usize);
        audio.extend_from_slice(greeting);
        audio.extend(beep(self.rate));
        self.announcer.do_send(
            Announce::audio(label, Arc::new(audio))
                .notify(ctx.address().recipient())
                .with_mark("voicemail-beep"),
        );
    }
}

impl Handler<AnnouncementDone> for Voicemail {
    type Result = ();

    /// The beep has been sent: start recording.
    fn handle(&mut self, _: AnnouncementDone, ctx: &mut Context<Self>) {
        if self.recorder.is_some() {
            return;
        }
        let (dir, sid, rate, max) = (
            self.settings.dir.clone(),
            self.call_sid.clone(),
            self.rate,
            self.settings.max,
        );
        let create = async move {
            tokio::task::spawn_blocking(move || VoicemailRecorder::create(&dir, &sid, rate, max))
                .await
        };
        ctx.wait(
            create
                .into_actor(self)
                .map(|result, vm, _ctx| match result {
                    Ok(Ok(recorder)) => {
                        vm.recorder = Some(Arc::new(Mutex::new(recorder)));
                        vm.started = Some(Instant::now());
                    }
                    Ok(Err(e)) => log::error!(
                        "call {}: cannot create the voicemail file: {e}",
                        vm.call_sid
                    ),
                    Err(e) => log::error!("call {}: voicemail file task died: {e}", vm.call_sid),
                }),
        );
    }
}

impl Handler<CallerPcm> for Voicemail {
    type Result = ();

    fn handle(&mut self, CallerPcm(pcm): CallerPcm, ctx: &mut Context<Self>) {
        if self.recorder.is_none() || self.full {
            return;
        }
        self.pending.extend_from_slice(&pcm);
        if self.pending.len() as u64 >= u64::from(self.rate) * WRITE_BATCH.as_millis() as u64 / 1000
        {
            self.write_pending(ctx);
        }
    }
}

impl Handler<Shutdown> for Voicemail {
    type Result = ();

    /// The caller hung up: write the rest, close the file, record it, notify. The actor lives
    /// until that is done, whatever the rest of the call tree does meanwhile.
    fn handle(&mut self, _: Shutdown, ctx: &mut Context<Self>) {
        let Some(recorder) = self.recorder.take() else {
            log::info!(
                "call {}: caller hung up before the beep; no message",
                self.call_sid
            );
            return ctx.stop();
        };
        let batch = std::mem::take(&mut self.pending);
        let (store, outbox, settings) = (
            self.store.clone(),
            self.outbox.clone(),
            self.settings.clone(),
        );
        let (sid, from) = (self.call_sid.clone(), self.from.clone());
        let finish = async move {
            let finished = tokio::task::spawn_blocking(move || {
                let mut recorder = Arc::try_unwrap(recorder)
                    .map_err(|_| std::io::Error::other("a write is still running"))?
                    .into_inner()
                    .unwrap_or_else(|p| p.into_inner());
                recorder.push(&batch)?;
                recorder.finish()
            })
            .await;
            let recording = match finished {
                Ok(Ok(recording)) => recording,
                Ok(Err(e)) => return log::error!("call {sid}: cannot finish the voicemail: {e}"),
                Err(e) => return log::error!("call {sid}: voicemail task died: {e}"),
            };
            let path = recording.path.display().to_string();
            let ms = recording.duration.as_millis() as u64;
            log::info!(
                "call {sid}: voicemail of {:.1} s saved to {path}",
                ms as f64 / 1000.0
            );
            let notify = settings.notify_to.clone();
            let subject = format!(
                "New voicemail for {} from {}",
                settings.business_name,
                mask(&from)
            );
            let body = format!(
                "A caller ({from}) left a {:.0}-second message.\n\nRecording: {path}\nCall: {sid}\n",
                ms as f64 / 1000.0
            );
            let saved = store
                .run(move |s| {
                    s.record_voicemail(&sid, &from, &path, ms, jiff::Timestamp::now())?;
                    if let Some(to) = notify {
                        s.enqueue_email(&to, &subject, &body, Some(&sid), jiff::Timestamp::now())?;
                    }
                    Ok(())
                })
                .await;
            match saved {
                Ok(()) => {
                    if let Some(outbox) = outbox {
                        outbox.do_send(KickOutbox);
                    }
                }
                Err(e) => log::error!("could not record a voicemail: {e}"),
            }
        };
        ctx.wait(finish.into_actor(self).map(|_, _, ctx| ctx.stop()));
    }
}
