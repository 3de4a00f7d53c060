// Log-in second step and sudo: ask the browser for a passkey, put its
// answer in the form's hidden field and send the form. The server checks
// everything (challenge, origin, signature, whose passkey it is).
const button = document.getElementById("use-passkey");
const errorLine = document.getElementById("passkey-error");

async function usePasskey() {
  errorLine.textContent = "";
  const form = button.closest("form");
  try {
    const options = PublicKeyCredential.parseRequestOptionsFromJSON(JSON.parse(button.dataset.options));
    const credential = await navigator.credentials.get({ publicKey: options });
    form.querySelector("[name=passkey_response]").value = JSON.stringify(credential.toJSON());
    form.submit();
  } catch (error) {
    errorLine.textContent = button.dataset.error;
  }
}

if (button && window.PublicKeyCredential) {
  button.addEventListener("click", usePasskey);
}
