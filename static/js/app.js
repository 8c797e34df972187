/*
 * SCIM Connector UI: progressive enhancement only. Every page works without it.
 * No inline scripts are needed: behaviour is wired through data- attributes,
 * so a strict Content-Security-Policy (script-src 'self') works.
 *
 *   data-copy-target="#id"       on a <button>: copy the element's text (or an input's value).
 *                                  Optional data-copy-label-done="Copied" (visual label for 2 s).
 *                                  A copy button rendered with `hidden` is revealed only when
 *                                  JavaScript runs (so no dead button without JS).
 *   data-busy="Signing in…"      on a <form>: on submit, disable its submit buttons, show a spinner
 *                                  and that text; guards against double submits.
 *   data-busy-link="Loading…"   on an <a>: on a plain click, show a spinner overlay with that text
 *                                  while the next page loads (slow Secret Server reads).
 *   data-confirm="Really…?"      on a <form> (or a submit button): ask before submitting.
 *   data-poll-url="/path"        on any element: replace its innerHTML with the response of a
 *                                  same-origin GET every data-poll-interval seconds (default 5).
 *                                  Pauses while the tab is hidden; backs off on errors.
 *   data-poll-toggle="#id"       on a <button>: pause / resume the poller of #id (WCAG 2.2.2).
 *   data-nav-menu                on the header <details>: kept open on wide screens in engines
 *                                  without ::details-content; Escape closes menus.
 */
(function () {
  "use strict";

  var liveRegion = null;

  function announce(text) {
    if (!liveRegion) {
      liveRegion = document.getElementById("live-region");
      if (!liveRegion) {
        liveRegion = document.createElement("div");
        liveRegion.id = "live-region";
        liveRegion.className = "visually-hidden";
        liveRegion.setAttribute("aria-live", "polite");
        liveRegion.setAttribute("role", "status");
        document.body.appendChild(liveRegion);
      }
    }
    // Clear first so that the same message is announced again.
    liveRegion.textContent = "";
    window.setTimeout(function () { liveRegion.textContent = text; }, 50);
  }

  function $(selector) {
    try { return document.querySelector(selector); } catch (e) { return null; }
  }

  /* 1. Copy to clipboard ------------------------------------------------- */
  function textOf(el) {
    if (!el) return "";
    if ("value" in el && (el.tagName === "INPUT" || el.tagName === "TEXTAREA" || el.tagName === "SELECT")) {
      return el.value;
    }
    return (el.textContent || "").trim();
  }

  function fallbackCopy(text) {
    var ta = document.createElement("textarea");
    ta.value = text;
    ta.setAttribute("readonly", "");
    ta.style.position = "fixed";
    ta.style.top = "-1000px";
    ta.style.opacity = "0";
    document.body.appendChild(ta);
    var active = document.activeElement;
    ta.select();
    var ok = false;
    try { ok = document.execCommand("copy"); } catch (e) { ok = false; }
    document.body.removeChild(ta);
    if (active && active.focus) active.focus();
    return ok;
  }

  function copyText(text) {
    if (navigator.clipboard && window.isSecureContext) {
      return navigator.clipboard.writeText(text).then(
        function () { return true; },
        function () { return fallbackCopy(text); }
      );
    }
    return Promise.resolve(fallbackCopy(text));
  }

  function initCopy(root) {
    root.querySelectorAll("[data-copy-target]").forEach(function (btn) {
      if (btn.dataset.copyReady) return;
      btn.dataset.copyReady = "1";
      btn.hidden = false;
      btn.addEventListener("click", function (event) {
        event.preventDefault();
        var target = $(btn.getAttribute("data-copy-target"));
        if (!target) return;
        copyText(textOf(target)).then(function (ok) {
          var label = btn.querySelector(".btn__label") || btn;
          if (ok) {
            if (!btn.dataset.copyOriginal) btn.dataset.copyOriginal = label.textContent;
            label.textContent = btn.getAttribute("data-copy-label-done") || "Copied";
            btn.classList.add("is-copied");
            announce("Copied");
            window.clearTimeout(btn._copyTimer);
            btn._copyTimer = window.setTimeout(function () {
              label.textContent = btn.dataset.copyOriginal;
              btn.classList.remove("is-copied");
            }, 2000);
          } else {
            // Select the text so the person can copy it by hand.
            if (target.select) { target.focus(); target.select(); }
            announce("Copy failed. Select the text and copy it manually.");
          }
        });
      });
    });
  }

  /* 2. Busy forms and confirmations ------------------------------------- */
  function submitButtons(form) {
    return Array.prototype.filter.call(form.elements, function (el) {
      return (el.tagName === "BUTTON" && (el.type || "submit") === "submit") ||
        (el.tagName === "INPUT" && (el.type === "submit" || el.type === "image"));
    });
  }

  function setBusy(form, submitter) {
    var text = form.getAttribute("data-busy") || "Working…";
    form.classList.add("is-busy");
    form.setAttribute("aria-busy", "true");
    // Keep the clicked button's name/value in the submission once it is disabled.
    if (submitter && submitter.name) {
      var keep = document.createElement("input");
      keep.type = "hidden";
      keep.name = submitter.name;
      keep.value = submitter.value;
      keep.setAttribute("data-busy-keep", "");
      form.appendChild(keep);
    }
    var buttons = submitButtons(form);
    var main = submitter || buttons[0];
    window.setTimeout(function () {
      buttons.forEach(function (b) { b.disabled = true; });
      if (main && main.tagName === "BUTTON") {
        main.dataset.busyOriginal = main.innerHTML;
        main.classList.add("is-busy");
        main.style.minWidth = main.offsetWidth + "px";
        main.innerHTML = "";
        var spin = document.createElement("span");
        spin.className = "spinner";
        spin.setAttribute("aria-hidden", "true");
        main.appendChild(spin);
        main.appendChild(document.createTextNode(" " + text));
      }
    }, 0);
    announce(text);
  }

  function clearBusy(form) {
    form.classList.remove("is-busy");
    form.removeAttribute("aria-busy");
    form.querySelectorAll("[data-busy-keep]").forEach(function (el) { el.remove(); });
    submitButtons(form).forEach(function (b) {
      b.disabled = false;
      if (b.dataset.busyOriginal !== undefined) {
        b.innerHTML = b.dataset.busyOriginal;
        b.classList.remove("is-busy");
        delete b.dataset.busyOriginal;
        b.style.minWidth = "";
      }
    });
  }

  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!(form instanceof HTMLFormElement)) return;
    var submitter = event.submitter || null;
    var question = (submitter && submitter.getAttribute("data-confirm")) || form.getAttribute("data-confirm");
    if (question && !window.confirm(question)) {
      event.preventDefault();
      return;
    }
    if (!form.hasAttribute("data-busy")) return;
    if (form.classList.contains("is-busy")) {
      event.preventDefault(); // double submit
      return;
    }
    if (event.defaultPrevented) return;
    setBusy(form, submitter);
  });

  // Links to slow pages: a spinner overlay until the next page replaces this one.
  var busyOverlay = null;
  document.addEventListener("click", function (event) {
    var link = event.target.closest ? event.target.closest("a[data-busy-link]") : null;
    if (!link || event.defaultPrevented || event.button !== 0 ||
        event.metaKey || event.ctrlKey || event.shiftKey || event.altKey ||
        (link.target && link.target !== "_self") || !sameOrigin(link.href)) return;
    var text = link.getAttribute("data-busy-link") || "Loading…";
    if (!busyOverlay) {
      busyOverlay = document.createElement("div");
      busyOverlay.className = "busy-overlay";
      var box = document.createElement("div");
      box.className = "busy-overlay__box";
      var spin = document.createElement("span");
      spin.className = "spinner spinner--large";
      spin.setAttribute("aria-hidden", "true");
      box.appendChild(spin);
      box.appendChild(document.createElement("span"));
      busyOverlay.appendChild(box);
      document.body.appendChild(busyOverlay);
    }
    busyOverlay.lastChild.lastChild.textContent = text;
    busyOverlay.hidden = false;
    link.setAttribute("aria-busy", "true");
    announce(text);
  });

  // Back/forward cache: a restored page must not stay busy.
  window.addEventListener("pageshow", function (event) {
    if (event.persisted) {
      document.querySelectorAll("form.is-busy").forEach(clearBusy);
      if (busyOverlay) busyOverlay.hidden = true;
      document.querySelectorAll("a[data-busy-link][aria-busy]").forEach(function (a) { a.removeAttribute("aria-busy"); });
    }
  });

  /* 3. Polling (live messages) ------------------------------------------- */
  function sameOrigin(url) {
    try { return new URL(url, window.location.href).origin === window.location.origin; }
    catch (e) { return false; }
  }

  function Poller(el) {
    this.el = el;
    this.url = el.getAttribute("data-poll-url");
    var seconds = parseFloat(el.getAttribute("data-poll-interval") || "5");
    this.interval = Math.max(isFinite(seconds) ? seconds : 5, 2) * 1000;
    this.delay = this.interval;
    this.timer = null;
    this.paused = false;
    this.inFlight = false;
    this.last = null;
    this.stopped = false;
  }
  Poller.prototype.schedule = function () {
    var self = this;
    window.clearTimeout(this.timer);
    if (this.paused || this.stopped) return;
    this.timer = window.setTimeout(function () { self.tick(); }, this.delay);
  };
  Poller.prototype.tick = function () {
    var self = this;
    if (this.paused || this.stopped || this.inFlight) return;
    if (document.visibilityState === "hidden") { this.schedule(); return; }
    this.inFlight = true;
    this.el.setAttribute("aria-busy", "true");
    fetch(this.url, {
      credentials: "same-origin",
      headers: { "X-Requested-With": "XMLHttpRequest", "Accept": "text/html" },
      cache: "no-store"
    }).then(function (response) {
      if (response.status === 401 || response.status === 403 || (response.redirected && !sameOrigin(response.url))) {
        self.stop("Live updates stopped: please sign in again.");
        return null;
      }
      if (response.redirected) {
        // Probably sent to the sign-in page: the session ended.
        self.stop("Live updates stopped: your session has ended. Reload the page to sign in again.");
        return null;
      }
      if (!response.ok) throw new Error("HTTP " + response.status);
      return response.text();
    }).then(function (html) {
      if (html === null || html === undefined) return;
      if (html !== self.last) {
        self.last = html;
        self.el.innerHTML = html;
        initCopy(self.el);
        self.el.dispatchEvent(new CustomEvent("poll:updated", { bubbles: true }));
      }
      self.el.classList.remove("is-stale");
      self.delay = self.interval;
    }).catch(function () {
      self.el.classList.add("is-stale");
      self.delay = Math.min(self.delay * 2, 60000);
    }).then(function () {
      self.inFlight = false;
      self.el.removeAttribute("aria-busy");
      self.schedule();
    });
  };
  Poller.prototype.stop = function (message) {
    this.stopped = true;
    window.clearTimeout(this.timer);
    this.el.classList.add("is-stale");
    if (message) announce(message);
    document.querySelectorAll("[data-poll-toggle]").forEach(function (btn) {
      if ($(btn.getAttribute("data-poll-toggle")) === this.el) btn.disabled = true;
    }, this);
  };
  Poller.prototype.setPaused = function (paused) {
    this.paused = paused;
    if (paused) { window.clearTimeout(this.timer); } else { this.delay = this.interval; this.tick(); }
  };

  function initPolling() {
    document.querySelectorAll("[data-poll-url]").forEach(function (el) {
      if (el._poller || !sameOrigin(el.getAttribute("data-poll-url"))) return;
      el._poller = new Poller(el);
      el._poller.schedule();
    });
    document.querySelectorAll("[data-poll-toggle]").forEach(function (btn) {
      var target = $(btn.getAttribute("data-poll-toggle"));
      if (!target || !target._poller) return;
      btn.hidden = false;
      btn.setAttribute("aria-pressed", "false");
      var label = btn.querySelector(".btn__label") || btn;
      var resumeText = btn.getAttribute("data-poll-label-paused") || "Resume live updates";
      var pauseText = label.textContent;
      btn.addEventListener("click", function () {
        var paused = !target._poller.paused;
        target._poller.setPaused(paused);
        btn.setAttribute("aria-pressed", paused ? "true" : "false");
        label.textContent = paused ? resumeText : pauseText;
        announce(paused ? "Live updates paused" : "Live updates resumed");
      });
    });
    document.addEventListener("visibilitychange", function () {
      if (document.visibilityState !== "visible") return;
      document.querySelectorAll("[data-poll-url]").forEach(function (el) {
        if (el._poller && !el._poller.paused && !el._poller.stopped) el._poller.tick();
      });
    });
  }

  /* 4. Navigation menus -------------------------------------------------- */
  function initNav() {
    var menu = document.querySelector("[data-nav-menu]");
    var wide = window.matchMedia ? window.matchMedia("(min-width: 68.01rem)") : null;
    var hasDetailsContent = window.CSS && CSS.supports && CSS.supports("selector(::details-content)");
    if (menu && wide && !hasDetailsContent) {
      var sync = function () { if (wide.matches) menu.open = true; };
      sync();
      if (wide.addEventListener) wide.addEventListener("change", sync);
    }
    var subs = document.querySelectorAll(".nav-sub");
    function closeSubs(except) {
      subs.forEach(function (d) { if (d !== except) d.open = false; });
    }
    document.addEventListener("click", function (event) {
      subs.forEach(function (d) { if (d.open && !d.contains(event.target)) d.open = false; });
    });
    document.addEventListener("keydown", function (event) {
      if (event.key !== "Escape") return;
      var openSub = Array.prototype.find.call(subs, function (d) { return d.open; });
      if (openSub) {
        openSub.open = false;
        openSub.querySelector("summary").focus();
      } else if (menu && menu.open && !(wide && wide.matches)) {
        menu.open = false;
        menu.querySelector("summary").focus();
      }
    });
    subs.forEach(function (d) {
      d.addEventListener("toggle", function () { if (d.open) closeSubs(d); });
    });
  }

  function init() {
    initCopy(document);
    initPolling();
    initNav();
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
