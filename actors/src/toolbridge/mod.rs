//! ToolBridge: what the agent commits to, and the details it read back (in progress).
