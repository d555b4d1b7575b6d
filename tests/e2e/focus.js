// Measures the focus indicator of every focusable element of the page: focuses each
// in turn (after a key press, so that Chromium shows focus as for a keyboard user)
// and compares the colour of its outline and box-shadow with the background around
// the element. Returns one row per element; the test fails rows below 3:1.
() => {
  "use strict";
  const FOCUSABLE =
    'a[href], area[href], button, input, select, textarea, summary, iframe, [tabindex], [contenteditable="true"]';
  const MIN_THICKNESS = 2; // px: a hairline is not a clearly visible focus

  function parseColour(text) {
    const match = /rgba?\(([^)]+)\)/.exec(text || "");
    if (!match) {
      return null;
    }
    const parts = match[1].split(/[\s,/]+/).filter(Boolean).map(Number);
    return { r: parts[0], g: parts[1], b: parts[2], a: parts.length > 3 ? parts[3] : 1 };
  }

  function over(top, below) {
    const a = top.a;
    return {
      r: top.r * a + below.r * (1 - a),
      g: top.g * a + below.g * (1 - a),
      b: top.b * a + below.b * (1 - a),
      a: 1,
    };
  }

  function luminance(c) {
    const channel = (v) => {
      const s = v / 255;
      return s <= 0.04045 ? s / 12.92 : Math.pow((s + 0.055) / 1.055, 2.4);
    };
    return 0.2126 * channel(c.r) + 0.7152 * channel(c.g) + 0.0722 * channel(c.b);
  }

  function contrast(x, y) {
    const [hi, lo] = [luminance(x), luminance(y)].sort((p, q) => q - p);
    return (hi + 0.05) / (lo + 0.05);
  }

  // The colours an element paints behind its children: its background colour and,
  // for a gradient, each of its colours (any of them may be next to the focus).
  function layers(element) {
    const style = getComputedStyle(element);
    const found = [];
    const colour = parseColour(style.backgroundColor);
    if (colour && colour.a > 0) {
      found.push(colour);
    }
    const image = style.backgroundImage || "";
    if (image.includes("gradient")) {
      for (const stop of image.match(/rgba?\([^)]+\)/g) || []) {
        found.push(parseColour(stop));
      }
    }
    return found;
  }

  // What is around the element: its ancestors' backgrounds down from the page's
  // white, so translucent ones are blended. Several colours for a gradient.
  function surroundings(element) {
    const chain = [];
    for (let node = element.parentElement; node; node = node.parentElement) {
      chain.push(node);
    }
    let backgrounds = [{ r: 255, g: 255, b: 255, a: 1 }];
    for (const node of chain.reverse()) {
      const painted = layers(node);
      if (painted.length) {
        backgrounds = painted.flatMap((colour) => backgrounds.map((below) => over(colour, below)));
      }
    }
    return backgrounds;
  }

  // Each box-shadow: "rgb(6, 36, 75) 0px 0px 0px 5px" (colour first, as computed).
  function shadows(text) {
    if (!text || text === "none") {
      return [];
    }
    return text.split(/,(?![^(]*\))/).map((shadow) => {
      const colour = parseColour(shadow);
      const lengths = (shadow.replace(/rgba?\([^)]+\)/, "").match(/-?[\d.]+px/g) || []).map(parseFloat);
      const [x = 0, y = 0, blur = 0, spread = 0] = lengths;
      return { colour, inset: /\binset\b/.test(shadow), thickness: Math.max(spread + Math.min(Math.abs(x), Math.abs(y)), 0), blur };
    });
  }

  function describe(element) {
    const label = (element.getAttribute("aria-label") || element.innerText || element.value || element.name || "")
      .replace(/\s+/g, " ")
      .trim()
      .slice(0, 40);
    const id = element.id ? "#" + element.id : "";
    const classes = element.classList.length ? "." + [...element.classList].slice(0, 3).join(".") : "";
    return `${element.tagName.toLowerCase()}${id}${classes} "${label}"`;
  }

  function rendered(element) {
    if (element.closest("[inert], [hidden]") || element.disabled || element.type === "hidden") {
      return false;
    }
    if (element.getAttribute("tabindex") === "-1") {
      return false;
    }
    const style = getComputedStyle(element);
    return element.getClientRects().length > 0 && style.visibility !== "hidden";
  }

  const rows = [];
  for (const element of document.querySelectorAll(FOCUSABLE)) {
    if (!rendered(element)) {
      continue;
    }
    element.focus();
    if (document.activeElement !== element) {
      continue; // not focusable after all (e.g. a label-less [tabindex] on a disabled control)
    }
    for (const animation of element.getAnimations()) {
      animation.finish(); // Bootstrap fades its rings in: measure the end of the transition
    }
    const style = getComputedStyle(element);
    const around = surroundings(element);
    const own = layers(element).reduce((below, colour) => over(colour, below), around[0]);
    const indicators = [];
    const outlineWidth = parseFloat(style.outlineWidth) || 0;
    if (style.outlineStyle !== "none" && style.outlineStyle !== "hidden" && outlineWidth >= MIN_THICKNESS) {
      const colour = parseColour(style.outlineColor);
      const offset = parseFloat(style.outlineOffset) || 0;
      // An outline drawn inside the element (negative offset) is seen against its own background.
      const against = offset + outlineWidth <= 0 ? [own] : around;
      indicators.push({ kind: `outline ${style.outlineColor} ${outlineWidth}px`, colour, against });
    }
    for (const shadow of shadows(style.boxShadow)) {
      if (shadow.colour && shadow.thickness >= MIN_THICKNESS) {
        indicators.push({
          kind: `box-shadow ${shadow.inset ? "inset " : ""}rgba(${shadow.colour.r}, ${shadow.colour.g}, ${shadow.colour.b}, ${shadow.colour.a}) ${shadow.thickness}px`,
          colour: shadow.colour,
          against: shadow.inset ? [own] : around,
        });
      }
    }
    // The best indicator counts, against its worst background.
    let best = 0;
    for (const indicator of indicators) {
      const worst = Math.min(...indicator.against.map((bg) => contrast(over(indicator.colour, bg), bg)));
      indicator.ratio = Math.round(worst * 100) / 100;
      best = Math.max(best, worst);
    }
    rows.push({
      element: describe(element),
      focusVisible: element.matches(":focus-visible"),
      ratio: Math.round(best * 100) / 100,
      indicators: indicators.map((i) => `${i.kind} → ${i.ratio}:1`).join("; ") || "no outline or box-shadow",
    });
  }
  if (document.activeElement && document.activeElement.blur) {
    document.activeElement.blur();
  }
  return rows;
};
