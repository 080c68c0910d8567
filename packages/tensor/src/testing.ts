// Test helpers for any Backend. The conformance suite lives here (see issue #4 / #5).
export {};
