//! Speech: text to caller audio (in progress).
