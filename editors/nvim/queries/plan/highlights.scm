; Highlights for the plan language.

(comment) @comment

(kind) @keyword

(item
  name: (identifier) @type)

(field
  key: (identifier) @property)

(person_reference
  "@" @variable.parameter
  name: (identifier) @variable.parameter)

; Enum words are references in the grammar; the analysis checks them.
((reference
  name: (identifier) @constant.builtin)
  (#any-of? @constant.builtin
    "planned" "in_progress" "blocked" "done" "cancelled"
    "green" "amber" "red"
    "very_low" "low" "medium" "high" "very_high"
    "open" "mitigating" "accepted" "closed"
    "calendar_days" "working_days"))

((reference
  name: (identifier) @variable)
  (#not-any-of? @variable
    "planned" "in_progress" "blocked" "done" "cancelled"
    "green" "amber" "red"
    "very_low" "low" "medium" "high" "very_high"
    "open" "mitigating" "accepted" "closed"
    "calendar_days" "working_days"))

(reference
  "+" @operator)

[
  (string)
  (multiline_string)
] @string

(escape_sequence) @string.escape

[
  (date)
  (duration)
  (integer)
  (percent)
] @number

[
  "{"
  "}"
] @punctuation.bracket

[
  ":"
  ","
] @punctuation.delimiter
