// The inbox's only script: it follows the server's events and swaps in the new state of the page.
// It never evaluates or inserts anything as code: the server renders every message, escaped.
(function () {
  'use strict';

  var live = document.getElementById('live');
  var shown = document.getElementById('inbox').getAttribute('data-version');
  var fetching = false;
  var again = false;

  function setLive(state, text) {
    live.hidden = false;
    live.setAttribute('data-state', state);
    live.textContent = text;
  }

  // refresh fetches the part of the page that changes, for the same filter, and puts it in place,
  // keeping open what the reader opened.
  function refresh() {
    if (fetching) {
      again = true;
      return;
    }
    fetching = true;
    fetch('_inbox/fragment' + window.location.search, { cache: 'no-store', credentials: 'same-origin' })
      .then(function (response) {
        if (!response.ok) {
          throw new Error('status ' + response.status);
        }
        return response.text();
      })
      .then(function (html) {
        var fresh = new DOMParser().parseFromString(html, 'text/html').getElementById('inbox');
        var current = document.getElementById('inbox');
        if (!fresh || !current) {
          return;
        }
        current.querySelectorAll('details[open][id]').forEach(function (open) {
          var same = fresh.querySelector('details[id="' + CSS.escape(open.id) + '"]');
          if (same) {
            same.open = true;
          }
        });
        shown = fresh.getAttribute('data-version');
        current.replaceWith(document.adoptNode(fresh));
      })
      .catch(function () {
        setLive('down', 'update failed; retrying');
      })
      .finally(function () {
        fetching = false;
        if (again) {
          again = false;
          refresh();
        }
      });
  }

  if (window.EventSource) {
    var events = new EventSource('_inbox/events');
    events.addEventListener('open', function () {
      setLive('live', 'live');
    });
    events.addEventListener('error', function () {
      // A stream the server refused (too many pages open) is not retried by the browser.
      setLive('down', events.readyState === EventSource.CLOSED ? 'live updates off: reload the page' : 'reconnecting…');
    });
    events.addEventListener('change', function (event) {
      setLive('live', 'live');
      if (event.data !== shown) {
        refresh();
      }
    });
  }

  var clearForm = document.getElementById('clear-form');
  clearForm.addEventListener('submit', function (event) {
    event.preventDefault();
    fetch(clearForm.getAttribute('action'), { method: 'POST', redirect: 'manual', credentials: 'same-origin' })
      .then(refresh, refresh);
  });
})();
