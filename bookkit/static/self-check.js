// Self-check questions (bookkit/self_check.py): say right or wrong as soon as an answer is chosen.
// Radio buttons in a fieldset, so the keyboard works as for any radio group (Tab, arrows, Space);
// the verdict goes to the question's aria-live line, so screen readers announce it. No library.
// Strict inside its own function, not as a file: the page's deferred scripts are merged into one
// file (bookkit/script_bundles.py), where only strict files share a file with a strict one.
(function () {
  "use strict";
  document.addEventListener("change", (event) => {
    const input = event.target;
    const question = input.closest && input.closest("fieldset.self-check");
    if (!question || input.type !== "radio") return;
    const option = input.closest(".self-check-option");
    const feedback = question.querySelector(".self-check-feedback");
    const explanation = question.querySelector(".self-check-explanation");
    const right = option.hasAttribute("data-right");
    const why = explanation ? explanation.textContent.trim().replace(/\s+/g, " ") : "";
    question.dataset.answered = right ? "right" : "wrong";
    feedback.textContent = right
      ? `Right. ${why}`
      : `Not quite: "${option.textContent.trim()}" is not the answer. Try another.`;
  });
})();
