package inbox_test

import (
	"context"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"testing"
	"time"

	cdppage "github.com/chromedp/cdproto/page"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// screenshotPath is where TestInboxInABrowser saves its screenshot when GLEAP_UPDATE_SCREENSHOT=1:
// the README shows it.
const screenshotPath = "../../docs/inbox.png"

// chromiumPath returns the Chromium to drive. Without one the test skips, unless it runs in CI
// (CI is set), where the browser tests must run: .ci/run installs Debian's chromium.
func chromiumPath(t *testing.T) string {
	t.Helper()
	if path, err := exec.LookPath("chromium"); err == nil {
		return path
	}
	if _, err := os.Stat("/usr/bin/chromium"); err == nil {
		return "/usr/bin/chromium"
	}
	if ci := os.Getenv("CI"); ci != "" && ci != "false" && ci != "0" {
		t.Fatal("CI is set and Chromium is not installed: the browser tests must run in CI (apt-get install chromium, as .ci/run does)")
	}
	t.Skip("the browser tests need Chromium, which is not installed (apt-get install chromium); CI runs them")
	return ""
}

// browser starts a headless Chromium and returns a tab in it. The browser stops when the test ends.
// Without a UserDataDir option chromedp gives it a fresh profile directory, and removes it once the
// browser and its child processes are gone.
func browser(t *testing.T) context.Context {
	t.Helper()
	allocator, cancelAllocator := chromedp.NewExecAllocator(context.Background(),
		chromedp.ExecPath(chromiumPath(t)),
		chromedp.Headless,
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.NoFirstRun,
		chromedp.NoDefaultBrowserCheck,
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-dev-shm-usage", true),
		chromedp.Flag("force-color-profile", "srgb"),
		chromedp.WindowSize(1280, 1000),
	)
	t.Cleanup(cancelAllocator)
	tab, cancelTab := chromedp.NewContext(allocator)
	t.Cleanup(cancelTab)
	ctx, cancel := context.WithTimeout(tab, 2*time.Minute) // a bound on the whole test, whatever hangs
	t.Cleanup(cancel)
	return ctx
}

// pageWatch records what must never happen on the page: a dialog (alert, confirm, prompt), an
// uncaught exception, or something the Content-Security-Policy blocked.
type pageWatch struct {
	mu         sync.Mutex
	dialogs    []string
	exceptions []string
}

// watch starts recording the events of ctx's tab, and has every new document of it collect the
// Content-Security-Policy's violations in window.__cspViolations (DevTools scripts are not bound by
// the policy).
func watch(t *testing.T, ctx context.Context) *pageWatch {
	t.Helper()
	w := &pageWatch{}
	require.NoError(t, chromedp.Listen(ctx, func(ev any) {
		w.mu.Lock()
		defer w.mu.Unlock()
		switch ev := ev.(type) {
		case *cdppage.EventJavascriptDialogOpening:
			w.dialogs = append(w.dialogs, string(ev.Type)+": "+ev.Message)
			go func() { // answered elsewhere than the reading goroutine, which the call needs
				_, _ = chromedp.Call(ctx, cdppage.HandleJavaScriptDialog, cdppage.HandleJavaScriptDialogParams{Accept: false})
			}()
		case *runtime.EventExceptionThrown:
			w.exceptions = append(w.exceptions, (&chromedp.ExceptionError{ExceptionDetails: ev.ExceptionDetails}).Error())
		}
	}))
	_, err := chromedp.Call(ctx, cdppage.AddScriptToEvaluateOnNewDocument, cdppage.AddScriptToEvaluateOnNewDocumentParams{Source: `
		window.__cspViolations = [];
		document.addEventListener('securitypolicyviolation', function (e) {
			window.__cspViolations.push(e.violatedDirective + ' blocked ' + e.blockedURI + ' at ' + e.sourceFile + ':' + e.lineNumber);
		});`})
	require.NoError(t, err)
	return w
}

// check fails t for every dialog, exception and policy violation seen so far.
func (w *pageWatch) check(t *testing.T, ctx context.Context) {
	t.Helper()
	w.mu.Lock()
	assert.Empty(t, w.dialogs, "no script from the content ran")
	assert.Empty(t, w.exceptions, "the page's script runs without errors")
	w.mu.Unlock()
	violations, err := chromedp.Run(ctx, chromedp.Evaluate[[]string](`window.__cspViolations`))
	require.NoError(t, err)
	assert.Empty(t, violations, "the page keeps to its own Content-Security-Policy")
}

func TestInboxInABrowser(t *testing.T) {
	t.Parallel()
	ctx := browser(t)
	server := startWithInbox(t)
	const ticket, otherTicket = "6752e9a8b7c6d5e4f3a21098", "6752f0c1a4b3c2d1e0f98765"

	// The hostile message comes first, so that the conversation above it has the newest activity.
	post(t, server, `{"ticket":"`+otherTicket+`","comment":{"type":"doc","content":[{"type":"paragraph","content":[`+
		`{"type":"text","text":"<img src=x onerror=alert(document.domain)>"},{"type":"hardBreak"},`+
		`{"type":"text","text":"click me","marks":[{"type":"link","attrs":{"href":"javascript:alert(document.domain)"}}]}]}]},`+
		`"fallbackUser":{"username":"<b onmouseover=alert(1)>Mallory</b>"}}`)
	post(t, server, `{"ticket":"`+ticket+`","fallbackUser":{"username":"Lena from Support","email":"lena@support.example"},`+
		`"messageRef":"crm-4711","comment":{"type":"doc","content":[`+
		`{"type":"paragraph","content":[{"type":"text","text":"Thanks for the report! "},{"type":"text","text":"We found the bug","marks":[{"type":"bold"}]},{"type":"text","text":" and a fix is on its way:"}]},`+
		`{"type":"orderedList","content":[`+
		`{"type":"listItem","content":[{"type":"paragraph","content":[{"type":"text","text":"fixed in "},{"type":"text","text":"v2.4.1","marks":[{"type":"code"}]}]}]},`+
		`{"type":"listItem","content":[{"type":"paragraph","content":[{"type":"text","text":"rolled out tonight: follow the "},{"type":"text","text":"status page","marks":[{"type":"link","attrs":{"href":"https://status.example.com/"}}]}]}]}]}]}}`)
	post(t, server, `{"ticket":"`+ticket+`","isNote":true,"user":"64f1c2d3e4a5b6c7d8e9f001","comment":{"type":"doc","content":[`+
		`{"type":"paragraph","content":[{"type":"text","text":"Customer is on the enterprise plan. "},{"type":"mention","attrs":{"id":"64f1c2d3e4a5b6c7d8e9f002","label":"Max"}},{"type":"text","text":" can you check the invoice?"}]}]}}`)
	post(t, server, `{"ticket":"`+ticket+`","bot":true,"comment":{"type":"doc","content":[{"type":"paragraph","content":[{"type":"text","text":"Here is your invoice."}]}]},`+
		`"attachments":[{"name":"invoice.pdf","url":"https://files.example.com/invoice.pdf","type":"application/pdf"}]}`)
	status, _ := send(t, http.MethodPost, server.URL+"/messages", http.Header{"Content-Type": {"application/json"}},
		`{"ticket":"`+ticket+`","comment":"Forgot the key."}`)
	require.Equal(t, http.StatusUnauthorized, status)
	status, _ = send(t, http.MethodPost, server.URL+"/messages", credentials(), `{"ticket":"`+ticket+`","isNote":"yes"}`)
	require.Equal(t, http.StatusBadRequest, status)

	watched := watch(t, ctx)
	require.NoError(t, chromedp.Do(ctx,
		chromedp.Navigate(inboxURL(server)),
		chromedp.WaitVisible(chromedp.CSS(`#live[data-state="live"]`)), // the page follows the server's events
	))

	t.Run("the posted texts are visible", func(t *testing.T) {
		inbox, err := chromedp.Run(ctx, chromedp.Text(chromedp.ID("inbox")))
		require.NoError(t, err)
		for _, posted := range []string{
			"Thanks for the report! We found the bug and a fix is on its way:", "fixed in v2.4.1", "status page",
			"Customer is on the enterprise plan. @Max can you check the invoice?", "Here is your invoice.", "invoice.pdf",
			"Lena from Support", "crm-4711",
		} {
			assert.Contains(t, inbox, posted)
		}
	})

	t.Run("the note is marked internal", func(t *testing.T) {
		badge, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(`article.msg-note .badge-note`)))
		require.NoError(t, err)
		assert.Equal(t, "INTERNAL NOTE", badge, "as the page shows it, in capitals")
		banner, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(`article.msg-note .note-banner`)))
		require.NoError(t, err)
		assert.Contains(t, banner, "only the team sees this note")
		backgrounds, err := chromedp.Run(ctx, chromedp.Evaluate[[]string](`['reply', 'note', 'bot'].map(function (kind) {
			return getComputedStyle(document.querySelector('article.msg-' + kind)).backgroundColor;
		})`))
		require.NoError(t, err)
		require.Len(t, backgrounds, 3)
		assert.NotEqual(t, backgrounds[0], backgrounds[1], "a note does not look like a reply")
		assert.NotEqual(t, backgrounds[0], backgrounds[2], "nor does a bot message")
		assert.NotEqual(t, backgrounds[1], backgrounds[2])
	})

	t.Run("hostile content is inert text", func(t *testing.T) {
		inbox, err := chromedp.Run(ctx, chromedp.Text(chromedp.ID("inbox")))
		require.NoError(t, err)
		assert.Contains(t, inbox, "<img src=x onerror=alert(document.domain)>", "shown as the text it is")
		assert.Contains(t, inbox, "click me (link not followed: javascript:alert(document.domain))")
		assert.Contains(t, inbox, "<b onmouseover=alert(1)>Mallory</b>")
		counts, err := chromedp.Run(ctx, chromedp.Evaluate[map[string]int](`({
			onerror: document.querySelectorAll('[onerror]').length,
			onmouseover: document.querySelectorAll('[onmouseover]').length,
			javascriptLinks: Array.from(document.querySelectorAll('a[href]')).filter(function (a) {
				return !/^(https?|mailto):$/.test(a.protocol);
			}).length,
			images: document.querySelectorAll('main img').length,
			scripts: document.querySelectorAll('script:not([src$="inbox.js"])').length,
		})`))
		require.NoError(t, err)
		assert.Equal(t, map[string]int{"onerror": 0, "onmouseover": 0, "javascriptLinks": 0, "images": 0, "scripts": 0}, counts)
		watched.check(t, ctx)
	})

	t.Run("a rejected request is shown with its reason", func(t *testing.T) {
		rejected, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(`section.rejected`)))
		require.NoError(t, err)
		assert.Contains(t, rejected, "401")
		assert.Contains(t, rejected, `missing "Authorization: Bearer <key>" header`)
		assert.Contains(t, rejected, "400")
		assert.Contains(t, rejected, "isNote")
	})

	t.Run("a message posted later appears without a reload", func(t *testing.T) {
		require.NoError(t, chromedp.Do(ctx, chromedp.Evaluate[chromedp.Void](`window.__sameDocument = true`)))
		id := post(t, server, `{"ticket":"`+ticket+`","fallbackUser":{"username":"Lena from Support","email":"lena@support.example"},`+
			`"comment":{"type":"doc","content":[{"type":"paragraph","content":[{"type":"text","text":"The fix is live: could you check again?"}]}]}}`)
		wait, cancel := context.WithTimeout(ctx, 15*time.Second)
		defer cancel()
		require.NoError(t, chromedp.Do(wait, chromedp.WaitVisible(chromedp.ID("message-"+id))))
		shown, err := chromedp.Run(ctx, chromedp.Text(chromedp.ID("message-"+id)))
		require.NoError(t, err)
		assert.Contains(t, shown, "The fix is live: could you check again?")
		same, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`window.__sameDocument === true`))
		require.NoError(t, err)
		assert.True(t, same, "the page was not reloaded")
	})

	if os.Getenv("GLEAP_UPDATE_SCREENSHOT") == "1" {
		saveScreenshot(t, ctx)
	}

	t.Run("the filter shows one ticket", func(t *testing.T) {
		_, err := chromedp.Run(ctx, chromedp.WaitEvent(cdppage.LoadEventFired, nil,
			chromedp.Click(chromedp.CSS(`a.tlink[href="?ticket=`+otherTicket+`"]`))))
		require.NoError(t, err)
		inbox, err := chromedp.Run(ctx, chromedp.Text(chromedp.ID("inbox")))
		require.NoError(t, err)
		assert.Contains(t, inbox, "Mallory")
		assert.NotContains(t, inbox, "Here is your invoice.")
		assert.NotContains(t, inbox, "Rejected requests", "the rejected requests name the other ticket")
	})

	t.Run("the button clears everything", func(t *testing.T) {
		require.NoError(t, chromedp.Do(ctx,
			chromedp.Navigate(inboxURL(server)),
			chromedp.WaitVisible(chromedp.CSS(`#live[data-state="live"]`)),
			chromedp.Click(chromedp.CSS(`#clear-form button`)),
			chromedp.WaitVisible(chromedp.CSS(`section.empty`)),
		))
		assert.Empty(t, server.Messages())
		assert.Empty(t, server.Requests())
	})

	t.Run("older messages are a link away", func(t *testing.T) {
		ids := postMany(t, server, ticket, 201)
		require.NoError(t, chromedp.Do(ctx,
			chromedp.Navigate(inboxURL(server)),
			chromedp.WaitVisible(chromedp.CSS(`#live[data-state="live"]`)),
			chromedp.WaitVisible(chromedp.ID("message-"+ids[200])),
		))
		hidden, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`document.getElementById('message-`+ids[0]+`') === null`))
		require.NoError(t, err)
		assert.True(t, hidden, "the oldest message is past the newest 200")

		wait, cancel := context.WithTimeout(ctx, 15*time.Second)
		defer cancel()
		_, err = chromedp.Run(wait, chromedp.WaitEvent(cdppage.LoadEventFired, nil, chromedp.Click(chromedp.CSS(`a.older`))))
		require.NoError(t, err)
		require.NoError(t, chromedp.Do(wait,
			chromedp.WaitVisible(chromedp.ID("message-"+ids[0])),
			chromedp.WaitVisible(chromedp.CSS(`#live[data-state="live"]`)), // and the older page follows events too
		))
		shown, err := chromedp.Run(ctx, chromedp.Evaluate[int](`document.querySelectorAll('article.msg').length`))
		require.NoError(t, err)
		assert.Equal(t, 1, shown, "only the message before the newest 200")
	})

	watched.check(t, ctx)
}

// saveScreenshot writes the top of the page to screenshotPath, down to the end of the first ticket.
func saveScreenshot(t *testing.T, ctx context.Context) {
	t.Helper()
	require.NoError(t, chromedp.Do(ctx, chromedp.Evaluate[chromedp.Void](`window.scrollTo(0, 0)`)))
	bottom, err := chromedp.Run(ctx, chromedp.Evaluate[float64](`document.querySelector('section.ticket').getBoundingClientRect().bottom`))
	require.NoError(t, err)
	require.NoError(t, chromedp.Do(ctx, chromedp.EmulateViewport(1280, int64(bottom)+20)))
	png, err := chromedp.Run(ctx, chromedp.CaptureScreenshot())
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(screenshotPath, png, 0o644))
	abs, _ := filepath.Abs(screenshotPath)
	t.Logf("wrote %s (%d bytes)", abs, len(png))
}
