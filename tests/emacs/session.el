;;; session.el --- Emacs and eglot against the real `planls serve'  -*- lexical-binding: t -*-

;; PLANLS_BIN=target/release/planls emacs --batch -l tests/emacs/session.el
;;
;; Evaluates the Emacs snippet of editors/README.md as it stands (the plan-mode, the eglot server
;; program, the planls.toml project root), with the directory of PLANLS_BIN first on the PATH so
;; that the snippet's "planls" is the server under test. In a copy of tests/clients/workspace
;; that has a planls.toml, inside a git repository with a stray plan of its own, it checks what a
;; user sees: eglot's project is the planls.toml folder, flymake's diagnostics, the eldoc hover
;; on an owner reference, xref to the definition in another file and a rename across files.
;; The places come from tests/clients/expected/session.json, which the other client sessions use
;; too. Prints each failure and exits 1 when any check failed, 0 otherwise.

(require 'cl-lib)
(require 'subr-x)
(require 'json)
(package-initialize)                    ; Debian's elpa-eglot
(require 'eglot)
(require 'xref)

(defvar planls-test-repo
  (expand-file-name "../.." (file-name-directory (or load-file-name buffer-file-name))))
(defvar planls-test-timeout 15 "Seconds to wait for each answer of the server.")
(defvar planls-test-failures nil)
(defvar planls-test-checked 0)

(defun planls-test-check (condition what &rest args)
  (setq planls-test-checked (1+ planls-test-checked))
  (unless condition
    (push (apply #'format what args) planls-test-failures))
  condition)

(defun planls-test-equal (actual expected what)
  (planls-test-check (equal actual expected) "%s\n    expected: %S\n    actual:   %S"
                     what expected actual))

(defmacro planls-test-run (name &rest body)
  "Runs BODY; an error in it is a failure named NAME, not the end of the session."
  (declare (indent 1))
  `(condition-case err
       (progn ,@body)
     (error (planls-test-check nil "%s raised an error: %S" ,name err))))

(defun planls-test-wait (predicate)
  "Lets the server's messages in until PREDICATE holds, for `planls-test-timeout' seconds at most."
  (let ((deadline (+ (float-time) planls-test-timeout)))
    (while (and (not (funcall predicate)) (< (float-time) deadline))
      (accept-process-output nil 0.05))
    (funcall predicate)))

(defun planls-test-read (file)
  (with-temp-buffer
    (insert-file-contents file)
    (buffer-string)))

(defun planls-test-readme-snippet ()
  "The first elisp block under the Emacs heading of editors/README.md."
  (let ((readme (planls-test-read (expand-file-name "editors/README.md" planls-test-repo))))
    (unless (string-match "^## Emacs[^\n]*\n\\(?:.\\|\n\\)*?```elisp\n\\(\\(?:.\\|\n\\)*?\\)```" readme)
      (error "no ```elisp block under \"## Emacs\" in editors/README.md"))
    (match-string 1 readme)))

;;; The workspace: <tmp>/repo is a git repository with a stray plan; <tmp>/repo/plan is the plan.

(defvar planls-test-session
  (with-temp-buffer
    (insert-file-contents (expand-file-name "tests/clients/expected/session.json" planls-test-repo))
    (json-parse-buffer :object-type 'alist)))
(defun planls-test-get (object &rest keys)
  (dolist (key keys object)
    (setq object (if (integerp key) (aref object key) (alist-get key object)))))

(defvar planls-test-tmp (make-temp-file "planls-emacs-" t))
(defvar planls-test-root (expand-file-name "repo/plan/" planls-test-tmp))
(make-directory planls-test-root t)
(let ((source (expand-file-name "tests/clients/workspace" planls-test-repo)))
  (dolist (file (directory-files source nil "\\.plan\\'"))
    (copy-file (expand-file-name file source) (expand-file-name file planls-test-root))))
(write-region "" nil (expand-file-name "planls.toml" planls-test-root))
;; Were the repository the workspace, this second `maria' would make the jump ambiguous.
(write-region "person maria \"Another Maria\" { }\n" nil
              (expand-file-name "repo/stray.plan" planls-test-tmp))
(let ((default-directory (expand-file-name "repo/" planls-test-tmp)))
  (planls-test-check (eq 0 (call-process "git" nil nil nil "init" "-q")) "git init"))

(defun planls-test-path (file)
  (expand-file-name file planls-test-root))

(defun planls-test-anchor (anchor)
  "The buffer position of ANCHOR: the first `text' at or after the first `after' of its file."
  (save-excursion
    (goto-char (point-min))
    (when-let ((after (planls-test-get anchor 'after)))
      (search-forward after)
      (goto-char (match-beginning 0)))
    (search-forward (planls-test-get anchor 'text))
    (match-beginning 0)))

;;; The server: the README's snippet, with PLANLS_BIN's directory first on the PATH.

(let* ((binary (expand-file-name (or (getenv "PLANLS_BIN")
                                     (expand-file-name "target/release/planls" planls-test-repo))))
       (dir (file-name-directory binary)))
  (unless (file-executable-p (expand-file-name "planls" dir))
    (error "%s is not an executable named planls" binary))
  (setenv "PATH" (concat dir path-separator (getenv "PATH")))
  (push dir exec-path))

(eval (car (read-from-string (concat "(progn " (planls-test-readme-snippet) ")"))) t)

(defvar planls-test-server nil)
(defvar planls-test-work nil)

(planls-test-run "eglot starts on a plan buffer"
  (setq planls-test-work (find-file (planls-test-path (planls-test-get planls-test-session 'open))))
  (planls-test-equal major-mode 'plan-mode "the major mode of a .plan file")
  ;; What M-x eglot does, without its questions.
  (apply #'eglot (eglot--guess-contact))
  (planls-test-check (planls-test-wait (lambda () (eglot-current-server)))
                     "eglot connected within %ss" planls-test-timeout)
  (setq planls-test-server (eglot-current-server))
  (planls-test-equal (file-name-as-directory (expand-file-name (project-root (eglot--project planls-test-server))))
                     planls-test-root
                     "the project is the folder of planls.toml, not the git repository"))

(planls-test-run "flymake shows the server's diagnostics"
  (with-current-buffer planls-test-work
    (planls-test-check (planls-test-wait (lambda () (flymake-diagnostics)))
                       "flymake diagnostics in work.plan within %ss" planls-test-timeout)
    (let ((expected (planls-test-get planls-test-session 'diagnostics 'work.plan)))
      (planls-test-equal
       (mapcar (lambda (d)
                 (list (flymake-diagnostic-beg d) (flymake-diagnostic-type d)
                       (car (split-string (flymake-diagnostic-text d) ":"))))
               (flymake-diagnostics))
       (mapcar (lambda (d)
                 (list (planls-test-anchor (planls-test-get d 'at))
                       'eglot-error
                       (format "planls [%s]" (planls-test-get d 'code))))
               expected)
       "the diagnostics of work.plan: place, severity, source and code")
      (let ((text (mapconcat #'flymake-diagnostic-text (flymake-diagnostics) "\n")))
        (dolist (d (append expected nil))
          (dolist (word (append (planls-test-get d 'message_contains) nil))
            (planls-test-check (string-search word text) "diagnostic %S mentions %S" text word)))))))

(planls-test-run "eldoc shows the hover of an owner reference"
  (with-current-buffer planls-test-work
    (goto-char (1+ (planls-test-anchor (planls-test-get planls-test-session 'hover 'at))))
    (planls-test-check (memq #'eglot-hover-eldoc-function eldoc-documentation-functions)
                       "eglot's hover is one of eldoc's documentation functions")
    (let (shown)
      ;; What eldoc shows, from its own collection of every documentation function's answer.
      (let ((eldoc-display-functions (list (lambda (docs _interactive) (setq shown docs)))))
        (eldoc-print-current-symbol-info t)
        (planls-test-wait (lambda () shown)))
      (let ((text (mapconcat (lambda (doc) (substring-no-properties (car doc))) shown "\n")))
        (planls-test-check shown "an eldoc answer within %ss" planls-test-timeout)
        (dolist (word (append (planls-test-get planls-test-session 'hover 'contains) nil))
          (planls-test-check (string-search word text) "the hover %S mentions %S" text word))))))

(planls-test-run "xref jumps to the definition in another file"
  (let ((from (planls-test-get planls-test-session 'definition 'from))
        (to (planls-test-get planls-test-session 'definition 'to)))
    (switch-to-buffer planls-test-work)
    (goto-char (1+ (planls-test-anchor from)))
    (xref-find-definitions (xref-backend-identifier-at-point (xref-find-backend)))
    (planls-test-equal (buffer-file-name) (planls-test-path (planls-test-get to 'file))
                       "the jump opens the file of the definition")
    (planls-test-equal (point) (planls-test-anchor to) "the point is on the definition's name")))

(planls-test-run "rename across files"
  (let* ((rename (planls-test-get planls-test-session 'rename))
         (at (planls-test-get rename 'at))
         (new-name (planls-test-get rename 'newName)))
    (switch-to-buffer (find-file (planls-test-path (planls-test-get at 'file))))
    (planls-test-wait (lambda () (eglot-managed-p)))
    (goto-char (1+ (planls-test-anchor at)))
    ;; eglot asks before it edits files that are not visited; a user would say yes.
    (cl-letf (((symbol-function 'y-or-n-p) (lambda (&rest _) t)))
      (eglot-rename new-name))
    (dolist (anchor (append (planls-test-get rename 'edits) nil))
      (with-current-buffer (find-file-noselect (planls-test-path (planls-test-get anchor 'file)))
        (let* ((old-name (planls-test-get at 'text))
               (after (planls-test-get anchor 'after))
               (renamed `((text . ,new-name)
                          (after . ,(and after (string-replace old-name new-name after))))))
          (planls-test-check (ignore-errors (planls-test-anchor renamed))
                             "%s says %s after the rename" (planls-test-get anchor 'file) new-name))))
    (dolist (anchor (append (planls-test-get rename 'unchanged) nil))
      (with-current-buffer (find-file-noselect (planls-test-path (planls-test-get anchor 'file)))
        (planls-test-check (ignore-errors (planls-test-anchor anchor))
                           "%s still holds %s" (planls-test-get anchor 'file)
                           (planls-test-get anchor 'text))))))

(when planls-test-server
  (ignore-errors (eglot-shutdown planls-test-server)))
(delete-directory planls-test-tmp t)

(if planls-test-failures
    (progn
      (message "tests/emacs/session.el: %d of %d checks failed (Emacs %s, eglot %s)"
               (length planls-test-failures) planls-test-checked emacs-version
               (or (ignore-errors (package-desc-version (cadr (assq 'eglot package-alist)))) "?"))
      (cl-loop for failure in (reverse planls-test-failures) for i from 1
               do (message "%d. %s" i failure))
      (kill-emacs 1))
  (message "tests/emacs/session.el: %d checks passed (Emacs %s)" planls-test-checked emacs-version)
  (kill-emacs 0))

;;; session.el ends here
