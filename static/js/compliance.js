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
  const refuse = (event, field, message) => {
    event.preventDefault();
    field.setCustomValidity(message);
    field.reportValidity();
    form.addEventListener("change", () => field.setCustomValidity(""), { once: true });
    field.addEventListener("input", () => field.setCustomValidity(""), { once: true });
  };
  form.addEventListener("submit", (event) => {
    // Cisco's K9 form wants the confirmation and a business function for either answer, a decline included.
    const confirm = document.getElementById("confirm");
    const functions = form.querySelectorAll("input[name=bus_function]");
    if (functions.length && !form.querySelector("input[name=bus_function]:checked")) {
      return refuse(event, functions[0], "Choose a business function: Cisco's form requires it for either answer.");
    }
    if (confirm && !confirm.checked) {
      return refuse(event, confirm, "Tick the confirmation: Cisco's form requires it for either answer.");
    }
    const button = event.submitter;
    const comments = document.getElementById("id_comments");
    if (button && button.dataset.needsComments && comments && !comments.value.trim()) {
      return refuse(event, comments, "Say why you decline: comments are required.");
    }
  });
})();
