//! cXML documents switchboard answers the incoming-call webhook with (`docs/signalwire.md` §1).
//!
//! Invalid XML ends the call with a parse error, so every value that reaches a document (URLs,
//! tokens, caller numbers, refusal text) is escaped here and nowhere else.

use std::fmt::Write as _;

/// The `<Connect><Stream>` answer that bridges the call to our media WebSocket.
#[derive(Debug, Clone, Copy)]
pub struct StreamResponse<'a> {
    /// `wss://` URL of the media endpoint, without a query string (use `parameters`).
    pub url: &'a str,
    /// Sent back by SignalWire as `Authorization: Bearer …` on the WebSocket upgrade.
    pub auth_bearer_token: &'a str,
    pub status_callback: Option<&'a str>,
    /// `PCMU@8000h` (default when `None`), `L16@16000h` or `L16@24000h`.
    pub codec: Option<&'a str>,
    /// `<Parameter>`s, delivered in `start.customParameters`.
    pub parameters: &'a [(&'a str, &'a str)],
    /// `<Connect action>`: requested (a signed webhook) when the stream ends; its cXML answer
    /// continues the call (`docs/signalwire.md` §1).
    pub action: Option<&'a str>,
}

const DECLARATION: &str = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";

/// Appends `s` with the five XML special characters escaped; valid in attributes and text alike.
fn push_escaped(out: &mut String, s: &str) {
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            // Newlines and tabs in attributes would be normalised to spaces by the parser.
            '\n' => out.push_str("&#10;"),
            '\r' => out.push_str("&#13;"),
            '\t' => out.push_str("&#9;"),
            // Other control characters are illegal in XML 1.0 even as references: drop them.
            c if (c as u32) < 0x20 => {}
            c => out.push(c),
        }
    }
}

fn push_attr(out: &mut String, name: &str, value: &str) {
    let _ = write!(out, " {name}=\"");
    push_escaped(out, value);
    out.push('"');
}

/// The bidirectional-stream document of `docs/signalwire.md` §1.
pub fn connect_stream(r: &StreamResponse) -> String {
    let mut out = String::with_capacity(512);
    out.push_str(DECLARATION);
    out.push_str("<Response>\n  <Connect");
    if let Some(action) = r.action {
        push_attr(&mut out, "action", action);
    }
    out.push_str(">\n    <Stream");
    push_attr(&mut out, "url", r.url);
    push_attr(&mut out, "authBearerToken", r.auth_bearer_token);
    if let Some(cb) = r.status_callback {
        push_attr(&mut out, "statusCallback", cb);
    }
    if let Some(codec) = r.codec {
        push_attr(&mut out, "codec", codec);
    }
    if r.parameters.is_empty() {
        out.push_str("/>\n");
    } else {
        out.push_str(">\n");
        for (name, value) in r.parameters {
            out.push_str("      <Parameter");
            push_attr(&mut out, "name", name);
            push_attr(&mut out, "value", value);
            out.push_str("/>\n");
        }
        out.push_str("    </Stream>\n");
    }
    out.push_str("  </Connect>\n</Response>\n");
    out
}

/// Sends the call to `url`: SignalWire fetches that URL's cXML and follows it (a draining
/// instance hands new calls to another one this way).
pub fn redirect(url: &str) -> String {
    let mut out = String::with_capacity(128 + url.len());
    out.push_str(DECLARATION);
    out.push_str("<Response>\n  <Redirect>");
    push_escaped(&mut out, url);
    out.push_str("</Redirect>\n</Response>\n");
    out
}

/// Ends the call: the answer to the `<Connect action>` request once the stream is over.
pub fn hangup() -> String {
    format!("{DECLARATION}<Response>\n  <Hangup/>\n</Response>\n")
}

#[cfg(test)]
mod tests {
    use super::*;
    use quick_xml::events::Event;
    use quick_xml::Reader;
    use quick_xml::XmlVersion;

    fn path(stack: &[String], name: &str) -> String {
        let mut p = stack.join("/");
        if !p.is_empty() {
            p.push('/');
        }
        p + name
    }

    fn attributes(e: &quick_xml::events::BytesStart) -> Vec<(String, String)> {
        e.attributes()
            .map(|a| {
                let a = a.unwrap();
                let key = a.key.as_ref().to_owned();
                (
                    key,
                    a.normalized_value(XmlVersion::Implicit1_0)
                        .unwrap()
                        .into_owned(),
                )
            })
            .collect()
    }

    /// Parses the document and returns (element path, attributes) of every element plus all text,
    /// failing on malformed XML or mismatched tags.
    /// (path such as `Response/Connect/Stream`, attributes as (name, value)).
    type Element = (String, Vec<(String, String)>);

    fn parse(doc: &str) -> (Vec<Element>, String) {
        let mut reader = Reader::from_str(doc);
        reader.config_mut().check_end_names = true;
        let (mut elements, mut text, mut stack) = (Vec::new(), String::new(), Vec::<String>::new());
        loop {
            match reader
                .read_event()
                .unwrap_or_else(|e| panic!("malformed XML {e}:\n{doc}"))
            {
                Event::Start(e) => {
                    let name = e.name().as_ref().to_owned();
                    elements.push((path(&stack, &name), attributes(&e)));
                    stack.push(name);
                }
                Event::Empty(e) => {
                    let name = e.name().as_ref().to_owned();
                    elements.push((path(&stack, &name), attributes(&e)));
                }
                Event::End(_) => {
                    stack.pop();
                }
                Event::Text(t) => text.push_str(&t.xml10_content()),
                Event::GeneralRef(r) => {
                    if let Some(c) = r.resolve_char_ref().unwrap() {
                        text.push(c);
                        continue;
                    }
                    text.push_str(match r.as_ref() {
                        "amp" => "&",
                        "lt" => "<",
                        "gt" => ">",
                        "quot" => "\"",
                        "apos" => "'",
                        other => panic!("unexpected entity {other}"),
                    });
                }
                Event::Eof => break,
                _ => {}
            }
        }
        assert!(stack.is_empty(), "unclosed elements {stack:?}");
        (elements, text)
    }

    #[test]
    fn connect_stream_has_the_documented_structure() {
        let doc = connect_stream(&StreamResponse {
            url: "wss://voice.example.com/media",
            auth_bearer_token: "per-call-secret",
            status_callback: Some("https://voice.example.com/stream-status"),
            codec: Some("L16@16000h"),
            parameters: &[("caller", "+15551234567"), ("callSid", "76ac")],
            action: Some("https://voice.example.com/signalwire/after-stream"),
        });
        assert!(doc.starts_with("<?xml version=\"1.0\" encoding=\"UTF-8\"?>"));
        let (elements, _) = parse(&doc);
        let paths: Vec<&str> = elements.iter().map(|(p, _)| p.as_str()).collect();
        assert_eq!(
            paths,
            [
                "Response",
                "Response/Connect",
                "Response/Connect/Stream",
                "Response/Connect/Stream/Parameter",
                "Response/Connect/Stream/Parameter"
            ]
        );
        let attr = |i: usize, k: &str| {
            elements[i]
                .1
                .iter()
                .find(|(n, _)| n == k)
                .map(|(_, v)| v.clone())
        };
        assert_eq!(
            attr(2, "url").as_deref(),
            Some("wss://voice.example.com/media")
        );
        assert_eq!(
            attr(2, "authBearerToken").as_deref(),
            Some("per-call-secret")
        );
        assert_eq!(
            attr(2, "statusCallback").as_deref(),
            Some("https://voice.example.com/stream-status")
        );
        assert_eq!(attr(2, "codec").as_deref(), Some("L16@16000h"));
        assert_eq!(attr(3, "name").as_deref(), Some("caller"));
        assert_eq!(attr(3, "value").as_deref(), Some("+15551234567"));
        assert_eq!(attr(4, "value").as_deref(), Some("76ac"));
        assert_eq!(
            attr(1, "action").as_deref(),
            Some("https://voice.example.com/signalwire/after-stream")
        );
    }

    #[test]
    fn hangup_is_one_verb() {
        let (elements, _) = parse(&hangup());
        let paths: Vec<&str> = elements.iter().map(|(p, _)| p.as_str()).collect();
        assert_eq!(paths, ["Response", "Response/Hangup"]);
    }

    #[test]
    fn optional_attributes_are_omitted() {
        let doc = connect_stream(&StreamResponse {
            url: "wss://h/m",
            auth_bearer_token: "t",
            status_callback: None,
            codec: None,
            parameters: &[],
            action: None,
        });
        let (elements, _) = parse(&doc);
        assert_eq!(elements.len(), 3);
        let names: Vec<&str> = elements[2].1.iter().map(|(n, _)| n.as_str()).collect();
        assert_eq!(names, ["url", "authBearerToken"]);
    }

    #[test]
    fn redirect_names_the_url_escaped() {
        let doc = redirect("https://other.example/voice?a=1&b=2");
        let (elements, text) = parse(&doc);
        let paths: Vec<&str> = elements.iter().map(|(p, _)| p.as_str()).collect();
        assert_eq!(paths, ["Response", "Response/Redirect"]);
        assert_eq!(text.trim(), "https://other.example/voice?a=1&b=2");
        assert!(doc.contains("a=1&amp;b=2"), "{doc}");
    }

    #[test]
    fn every_value_is_escaped() {
        let nasty = "a&b<c>d\"e'f\ng";
        let doc = connect_stream(&StreamResponse {
            url: nasty,
            auth_bearer_token: nasty,
            status_callback: Some(nasty),
            codec: Some(nasty),
            parameters: &[(nasty, nasty)],
            action: Some(nasty),
        });
        assert!(!doc.contains("a&b"), "raw ampersand in:\n{doc}");
        let (elements, _) = parse(&doc);
        for (_, attrs) in &elements[1..] {
            for (_, v) in attrs {
                assert_eq!(v, nasty);
            }
        }
    }
}
