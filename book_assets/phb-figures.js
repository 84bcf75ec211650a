/* The source note of a figure in the prose (bookkit/sphinx_ext.py). A page writes each distinct note
   once, in its list of notes (.phb-fig-notes), and each figure names its note by aria-describedby, so
   a screen reader reads it wherever it is. For the eye, the note hovered or focused is moved into its
   figure, where book.css shows it under the line like a tooltip (a tap focuses the figure). */
(() => {
  const showNote = (event) => {
    const fig = event.target instanceof Element ? event.target.closest(".phb-fig") : null;
    const note = fig && document.getElementById(fig.getAttribute("aria-describedby"));
    if (note && note.parentNode !== fig) fig.appendChild(note);
  };
  document.addEventListener("focusin", showNote);
  document.addEventListener("mouseover", showNote);
})();
