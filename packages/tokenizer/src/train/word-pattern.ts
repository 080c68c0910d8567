// The char-level pre-tokenization pattern (byte level uses R50K_PATTERN from ../patterns). A piece is the unit
// BPE works inside: pairs never cross pieces.

/**
 * Char-level (teaching) pattern: a word is a run of non-whitespace characters and every whitespace character
 * is a piece of its own, so pairs never cross a word boundary. Spaces are shown as the marker `_`.
 */
export const WORD_PATTERN = '[^\\s]+|\\s';
