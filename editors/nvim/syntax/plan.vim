" Vim syntax for program plans (.plan), for colour without tree-sitter: Neovim 0.7 to 0.10 out
" of the box, and Vim. Tree-sitter highlighting, where it is enabled, replaces it.
"
" The kinds, the field keys and the enum words are the language's own (src/analysis/schema.rs);
" tests/editor_vocabulary.rs fails when they drift apart. A key that no kind takes stays plain,
" so a misspelt key looks different before the server says so.

if exists('b:current_syntax')
  finish
endif

let s:cpo_save = &cpo
set cpo&vim

syntax case match
" IDs take dots and hyphens (spec: `[A-Za-z_][A-Za-z0-9_.-]*`), so `very_high-x` is no enum word.
syntax iskeyword @,48-57,_,.,-

syntax match planComment "#.*$" contains=@Spell

" One-line strings end at their closing quote, or at the end of the line (a syntax error there).
syntax region planString start=+"+ skip=+\\\\\|\\"+ end=+"+ end=+$+ oneline contains=planEscape
syntax region planMultilineString start=+"""+ end=+"""+ contains=planEscape
syntax match planEscape +\\[\\"nt]+ contained

" A kind word starts an item unless it is a key (`team: payments`); the ID after it is the item's.
syntax match planKind "\%([A-Za-z0-9_.@-]\)\@<!\%(program\|team\|person\|initiative\|milestone\|risk\)\%([A-Za-z0-9_.-]\)\@!\%(\s*:\)\@!" nextgroup=planItemId skipwhite skipnl
syntax match planItemId "[A-Za-z_][A-Za-z0-9_.-]*" contained

syntax match planField "\%([A-Za-z0-9_.@-]\)\@<!\%(affects\|calendar\|channel\|date\|depends_on\|description\|duration\|email\|end\|health\|holidays\|impact\|lead\|likelihood\|link\|members\|mitigation\|owner\|parent\|progress\|requires\|review\|role\|start\|status\|team\)\ze\s*:"

syntax match planPerson "@[A-Za-z_][A-Za-z0-9_.-]*"

syntax keyword planEnum planned in_progress blocked done cancelled green amber red very_low low medium high very_high open mitigating accepted closed calendar_days working_days

" Matches at one place: the one defined last wins, so the most specific comes last.
syntax match planNumber "\%([A-Za-z0-9_.@-]\)\@<!\d\+%\="
syntax match planDate "\%([A-Za-z0-9_.@-]\)\@<!\d\{4}-\d\{2}-\d\{2}\%([A-Za-z0-9_.%-]\)\@!"
syntax match planDuration "\%([A-Za-z0-9_.@-]\)\@<!\d\+[dw]\%([A-Za-z0-9_.%-]\)\@!"
syntax match planLag "+"
syntax match planDelimiter "[:,]"
syntax match planBrace "[{}]"

highlight default link planComment Comment
highlight default link planString String
highlight default link planMultilineString String
highlight default link planEscape SpecialChar
highlight default link planKind Keyword
highlight default link planItemId Type
highlight default link planField Identifier
highlight default link planPerson Special
highlight default link planEnum Constant
highlight default link planDate Number
highlight default link planDuration Number
highlight default link planNumber Number
highlight default link planLag Operator
highlight default link planDelimiter Delimiter
highlight default link planBrace Delimiter

let b:current_syntax = 'plan'

let &cpo = s:cpo_save
unlet s:cpo_save
