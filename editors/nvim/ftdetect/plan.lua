-- `*.plan` files are plans. An autocmd rather than vim.filetype.add, which Neovim 0.7 only
-- consults when filetype.lua is switched on.
vim.cmd([[autocmd BufRead,BufNewFile *.plan setfiletype plan]])
