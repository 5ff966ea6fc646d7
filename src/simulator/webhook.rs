//! The call's first step, as SignalWire takes it: `POST` the incoming-call webhook and read the
//! `<Connect><Stream>` it answers with, which says where the media stream goes and with what
//! bearer token (per call: see `signalwire::media_credentials`).

use std::collections::BTreeMap;

use anyhow::{anyhow, bail, Context};
use quick_xml::events::Event;
use quick_xml::{Reader, XmlVersion};

use crate::signalwire::signature;

/// The webhook form fields of a new inbound call.
pub struct IncomingCall<'a> {
    pub call_sid: &'a str,
    pub from: &'a str,
    pub to: &'a str,
}

/// Where the media stream of a call goes, as the cXML `<Stream>` says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StreamTarget {
    pub url: String,
    pub token: Option<String>,
    /// The `<Parameter>`s, sent back in `start.customParameters`.
    pub parameters: BTreeMap<String, String>,
    /// The `<Connect action>` URL, requested once the stream is over.
    pub action: Option<String>,
}

/// Posts the incoming-call webhook (signed with `signing_key` when given, as SignalWire signs
/// it) and returns the stream it answers with.
pub async fn ring(
    client: &awc::Client,
    webhook: &str,
    signing_key: Option<&str>,
    call: &IncomingCall<'_>,
) -> anyhow::Result<StreamTarget> {
    let params: Vec<(String, String)> = [
        ("CallSid", call.call_sid),
        ("AccountSid", "AC-simulator"),
        ("From", call.from),
        ("To", call.to),
        ("CallStatus", "ringing"),
        ("Direction", "inbound"),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_owned(), v.to_owned()))
    .collect();
    let mut request = client.post(webhook);
    if let Some(key) = signing_key {
        request = request.insert_header((
            "X-SignalWire-Signature",
            signature::expected_signature(key, webhook, &params),
        ));
    }
    let mut response = request
        .send_form(&params)
        .await
        .map_err(|e| anyhow!("cannot reach the webhook {webhook}: {e}"))?;
    let body = response
        .body()
        .limit(64 * 1024)
        .await
        .with_context(|| format!("reading the answer of {webhook}"))?;
    let body = String::from_utf8_lossy(&body);
    if !response.status().is_success() {
        bail!(
            "the webhook {webhook} answered {}: {}{}",
            response.status(),
            body.trim(),
            if response.status().as_u16() == 403 {
                " (wrong or missing --signing-key?)"
            } else {
                ""
            }
        );
    }
    parse_stream(&body).with_context(|| format!("in the answer of {webhook}"))
}

/// The `<Stream>` of a `<Connect>` cXML document.
pub fn parse_stream(document: &str) -> anyhow::Result<StreamTarget> {
    let mut reader = Reader::from_str(document);
    let mut target: Option<StreamTarget> = None;
    let mut action: Option<String> = None;
    loop {
        match reader.read_event().context("invalid XML")? {
            Event::Start(e) | Event::Empty(e) => {
                let attributes = attributes(&e)?;
                let get = |name: &str| attributes.get(name).cloned();
                match (e.name().as_ref(), target.as_mut()) {
                    ("Connect", None) => action = get("action"),
                    ("Stream", None) => {
                        target = Some(StreamTarget {
                            url: get("url").context("<Stream> without url")?,
                            token: get("authBearerToken"),
                            parameters: BTreeMap::new(),
                            action: action.clone(),
                        })
                    }
                    ("Parameter", Some(stream)) => {
                        if let (Some(name), Some(value)) = (get("name"), get("value")) {
                            stream.parameters.insert(name, value);
                        }
                    }
                    _ => {}
                }
            }
            Event::Eof => break,
            _ => {}
        }
    }
    target.context("no <Stream> in the document")
}

/// What SignalWire does once the stream is over: requests the `<Connect action>` URL with the
/// call's form fields (signed like every webhook) and follows the cXML it gets. Returns the
/// answer's first verb, lower-cased (`hangup`, `dial`, …).
pub async fn after_stream(
    client: &awc::Client,
    action: &str,
    signing_key: Option<&str>,
    call_sid: &str,
) -> anyhow::Result<String> {
    let params: Vec<(String, String)> = [
        ("CallSid", call_sid),
        ("AccountSid", "AC-simulator"),
        ("CallStatus", "in-progress"),
        ("Direction", "inbound"),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_owned(), v.to_owned()))
    .collect();
    let mut request = client.post(action);
    if let Some(key) = signing_key {
        request = request.insert_header((
            "X-SignalWire-Signature",
            signature::expected_signature(key, action, &params),
        ));
    }
    let mut response = request
        .send_form(&params)
        .await
        .map_err(|e| anyhow!("cannot reach the action URL {action}: {e}"))?;
    let body = response
        .body()
        .limit(64 * 1024)
        .await
        .with_context(|| format!("reading the answer of {action}"))?;
    let body = String::from_utf8_lossy(&body);
    if !response.status().is_success() {
        bail!(
            "the action URL {action} answered {}: {}",
            response.status(),
            body.trim()
        );
    }
    first_verb(&body).with_context(|| format!("in the answer of {action}"))
}

/// The first verb inside `<Response>`, lower-cased.
pub fn first_verb(document: &str) -> anyhow::Result<String> {
    let mut reader = Reader::from_str(document);
    let mut in_response = false;
    loop {
        match reader.read_event().context("invalid XML")? {
            Event::Start(e) | Event::Empty(e) => {
                let name = e.name().as_ref().to_owned();
                if in_response {
                    return Ok(name.to_ascii_lowercase());
                }
                in_response = name == "Response";
            }
            Event::Eof => bail!("no verb in the document"),
            _ => {}
        }
    }
}

fn attributes(e: &quick_xml::events::BytesStart) -> anyhow::Result<BTreeMap<String, String>> {
    e.attributes()
        .map(|a| {
            let a = a.context("invalid attribute")?;
            let value = a
                .normalized_value(XmlVersion::Implicit1_0)
                .context("invalid attribute value")?;
            Ok((a.key.as_ref().to_owned(), value.into_owned()))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::signalwire::cxml::{connect_stream, StreamResponse};

    #[test]
    fn reads_back_what_the_server_answers() {
        let document = connect_stream(&StreamResponse {
            url: "wss://voice.example.com/signalwire/media/CA1",
            auth_bearer_token: "tok&<en>",
            status_callback: Some("https://voice.example.com/signalwire/status"),
            codec: Some("PCMU@8000h"),
            parameters: &[("from", "+1555"), ("callSid", "CA1")],
            action: Some("https://voice.example.com/signalwire/after-stream"),
        });
        let target = parse_stream(&document).unwrap();
        assert_eq!(
            target,
            StreamTarget {
                url: "wss://voice.example.com/signalwire/media/CA1".into(),
                token: Some("tok&<en>".into()),
                parameters: BTreeMap::from([
                    ("callSid".into(), "CA1".into()),
                    ("from".into(), "+1555".into()),
                ]),
                action: Some("https://voice.example.com/signalwire/after-stream".into()),
            }
        );
    }

    #[test]
    fn the_first_verb_is_read() {
        assert_eq!(
            first_verb(&crate::signalwire::cxml::hangup()).unwrap(),
            "hangup"
        );
        assert_eq!(
            first_verb("<Response><Dial>+1555</Dial></Response>").unwrap(),
            "dial"
        );
        assert!(first_verb("<Response></Response>").is_err());
    }

    #[test]
    fn a_document_without_a_stream_is_an_error() {
        assert!(parse_stream("<Response><Hangup/></Response>").is_err());
        assert!(parse_stream("<Response><Connect><Stream/></Connect></Response>").is_err());
        assert!(parse_stream("not xml <").is_err());
    }
}
