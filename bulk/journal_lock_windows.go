//go:build windows

package bulk

import (
	"errors"
	"os"

	"golang.org/x/sys/windows"
)

// lockJournal takes the journal for this run: a second run with the same journal, at the same time,
// gets ErrJournalInUse. The lock ends when the file is closed, or the process ends.
func lockJournal(file *os.File) error {
	var whole windows.Overlapped
	err := windows.LockFileEx(windows.Handle(file.Fd()), windows.LOCKFILE_EXCLUSIVE_LOCK|windows.LOCKFILE_FAIL_IMMEDIATELY, 0, 1, 0, &whole)
	if errors.Is(err, windows.ERROR_LOCK_VIOLATION) {
		return ErrJournalInUse
	}
	return err
}
