; One flat namespace per workspace: every item ID is a definition, every reference names one.

(source_file) @local.scope

(item
  name: (identifier) @local.definition)

(reference
  name: (identifier) @local.reference)

(person_reference
  name: (identifier) @local.reference)
