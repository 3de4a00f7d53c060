// Two-step verification page: "Add a passkey" asks the browser to make
// one, then sends its answer with the name in the ordinary form post.
const form = document.getElementById("passkey-add-form");
const errorLine = document.getElementById("passkey-add-error");

async function register(event) {
  const answer = form.querySelector("[name=passkey_response]");
  if (answer.value) return; // the answer is in: let the form go
  event.preventDefault();
  errorLine.textContent = "";
  const name = form.querySelector("[name=name]");
  if (!name.value.trim()) {
    errorLine.textContent = form.dataset.nameError;
    name.focus();
    return;
  }
  try {
    const options = PublicKeyCredential.parseCreationOptionsFromJSON(JSON.parse(form.dataset.options));
    const credential = await navigator.credentials.create({ publicKey: options });
    answer.value = JSON.stringify(credential.toJSON());
    form.submit();
  } catch (error) {
    errorLine.textContent = form.dataset.error;
  }
}

if (form && window.PublicKeyCredential) {
  form.addEventListener("submit", register);
}
