(block) @fold

(multiline_string) @fold
