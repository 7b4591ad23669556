// Help texts tied to their fields: each `.help` paragraph of a field (and
// its warning, problem list and "Where to find this") gets an id and is
// named by the field's control in `aria-describedby`, so a screen reader
// reads it with the field.

let next = 0;

export function describeHelps(root = document) {
  for (const field of root.querySelectorAll(".field")) {
    const label = field.querySelector("label[for]");
    const control = label && document.getElementById(label.getAttribute("for"));
    if (!control) continue;
    // The field's help, its warning, its problems and its "Where to find this".
    const helps = [...field.querySelectorAll(":scope > .help, :scope > p.warning, :scope > ul.problems, :scope > details.where")];
    if (!helps.length) continue;
    const ids = new Set((control.getAttribute("aria-describedby") ?? "").split(/\s+/).filter(Boolean));
    for (const help of helps) {
      if (!help.id) help.id = `help-${++next}`;
      ids.add(help.id);
    }
    control.setAttribute("aria-describedby", [...ids].join(" "));
  }
}
