/**
 * @file Tree-sitter grammar for the plan language (version 1).
 * @license MIT
 *
 * The grammar is purely syntactic and deliberately forgiving: an unclosed
 * block, an item without an ID and a field without a value still parse into
 * their nodes, so that one break never hides the items after it. The Rust
 * lowering turns those shapes, and tree-sitter's ERROR nodes, into syntax
 * errors with messages in the user's words.
 */

/// <reference types="tree-sitter-cli/dsl" />
// @ts-check

const KINDS = ['program', 'team', 'person', 'initiative', 'milestone', 'risk'];
const NAME = /[A-Za-z_][A-Za-z0-9_.\-]*/;

module.exports = grammar({
  name: 'plan',

  extras: $ => [/\s/, $.comment],

  word: $ => $.identifier,

  conflicts: $ => [
    // Inside a block, a kind word may start a key (`team:`) or, when the
    // block was left unclosed, a new item (`team payments`): the token after
    // it decides.
    [$._closed_block, $._open_block],
    // Where a run of fields ends and the next item begins is decided by the
    // token after the kind word.
    [$.source_file],
    [$._open_block],
    // After `key:` an identifier may be the value or, when the value is
    // missing, the next key: the token after it decides.
    [$.field],
  ],

  rules: {
    // A field outside any item is kept as a `field` (the lowering reports it),
    // but only where it cannot belong to an unclosed block: after an item
    // whose block is open, only another item may follow.
    source_file: $ => seq(
      repeat($.field),
      repeat(choice(
        seq(alias($._closed_item, $.item), repeat($.field)),
        alias($._open_item, $.item),
      )),
    ),

    _closed_item: $ => prec.right(seq(
      $._item_header,
      optional(field('body', alias($._closed_block, $.block))),
    )),

    _open_item: $ => seq(
      $._item_header,
      field('body', alias($._open_block, $.block)),
    ),

    _item_header: $ => prec.right(seq(
      field('kind', $.kind),
      optional(field('name', $.identifier)),
      optional(field('title', $._string)),
    )),

    kind: _ => choice(...KINDS),

    _closed_block: $ => seq('{', repeat($.field), '}'),

    _open_block: $ => seq('{', repeat($.field)),

    // A trailing comma parses (the lowering reports it), so that a kind word
    // after it starts the next item instead of being taken as a value. So does
    // a missing comma before a value that cannot start a key (`@maria @bo`):
    // the lowering reports it and the item's other fields are still read.
    field: $ => seq(
      field('key', $._key),
      ':',
      optional(seq(
        field('value', $._value),
        repeat(choice(
          seq(',', field('value', $._value)),
          field('value', $._unseparated_value),
        )),
        optional(','),
      )),
    ),

    // Kind words are not reserved: `team:` is a key.
    _key: $ => choice($.identifier, ...KINDS.map(k => alias(k, $.identifier))),

    _value: $ => choice($._string, $._unseparated_value, $.reference),

    // The values that cannot be taken for the next field's key (nor, unlike a
    // string, for the rest of an unclosed `"""`).
    _unseparated_value: $ => choice(
      $.date,
      $.duration,
      $.percent,
      $.integer,
      $.malformed,
      $.person_reference,
    ),

    // A lag after `-` parses too (the lowering says a lag is written with
    // `+`), and so does a malformed lag, so the field stays whole.
    reference: $ => seq(
      field('name', $.identifier),
      optional(seq(
        field('sign', choice('+', '-')),
        field('lag', choice($.duration, $.malformed)),
      )),
    ),

    person_reference: $ => seq(
      '@',
      field('name', alias(token.immediate(NAME), $.identifier)),
    ),

    _string: $ => choice($.string, $.multiline_string),

    // A one-line string. An unterminated one ends at the end of its line.
    string: $ => seq(
      '"',
      repeat(choice($.string_content, $.escape_sequence)),
      choice(token.immediate('"'), $.unterminated),
    ),
    string_content: _ => token.immediate(prec(1, /[^"\\\r\n]+/)),
    escape_sequence: _ => token.immediate(/\\[^\r\n]/),
    unterminated: _ => token.immediate(/\r?\n/),

    // A triple-quoted string spans lines; its text is taken as written.
    multiline_string: _ => token(seq('"""', repeat(choice(/[^"]/, /"[^"]/, /""[^"]/)), '"""')),

    date: _ => token(/\d{4}-\d{2}-\d{2}/),
    duration: _ => token(/\d+[dw]/),
    percent: _ => token(/\d+%/),
    integer: _ => token(/\d+/),
    // Anything else that starts with a digit: `1.5w`, `2m`, `2027/01/04`.
    // Declared after the valid tokens, so that a token both match (`2w`) is
    // theirs; the longer match wins (`1.5w` is not `1` then `.5w`). The
    // lowering says what is wrong in the user's words.
    malformed: _ => token(/\d[0-9A-Za-z_.\/:\-]*/),

    identifier: _ => NAME,

    comment: _ => token(seq('#', /[^\r\n]*/)),
  },
});
