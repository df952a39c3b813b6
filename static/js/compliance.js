// Compliance form behaviours (the server checks everything again; this only helps the officer).
(() => {
  const form = document.getElementById("decision-form");
  if (!form) return;
  const countries = document.getElementById("countries");
  const syncCountries = () => {
    if (!countries) return;
    const government = form.querySelector("input[name=bus_function][data-government]");
    countries.classList.toggle("inactive", !(government && government.checked));
  };
  form.addEventListener("change", syncCountries);
  syncCountries();
  form.addEventListener("submit", (event) => {
    const button = event.submitter;
    const comments = document.getElementById("id_comments");
    if (button && button.dataset.needsComments && comments && !comments.value.trim()) {
      event.preventDefault();
      comments.setCustomValidity("Say why you decline: comments are required.");
      comments.reportValidity();
      comments.addEventListener("input", () => comments.setCustomValidity(""), { once: true });
    }
  });
})();
