// Security keys and passkeys: asks the server for options, lets the browser talk to the key,
// and sends the signed response back. Without JavaScript the page offers another way in.
const form = document.querySelector('[data-webauthn]')
const browser = window.SimpleWebAuthnBrowser

if (form && browser && browser.browserSupportsWebAuthn()) {
  form.hidden = false
  document.querySelector('[data-webauthn-unavailable]').hidden = true
  const summary = document.querySelector('[data-webauthn-error]')
  const show = (message) => {
    summary.querySelector('[data-webauthn-message]').textContent = message
    summary.hidden = false
    summary.focus()
  }
  const post = (url, body) => fetch(url, {
    method: 'POST',
    credentials: 'same-origin',
    headers: { 'content-type': 'application/json', accept: 'application/json', 'x-csrf-token': form.elements._csrf.value },
    body: JSON.stringify(body),
  })
  form.addEventListener('submit', async (event) => {
    event.preventDefault()
    try {
      const options = await post(form.dataset.optionsUrl, {})
      if (!options.ok) return show((await options.json()).detail)
      const optionsJSON = await options.json()
      const response = form.dataset.webauthn === 'register'
        ? await browser.startRegistration({ optionsJSON })
        : await browser.startAuthentication({ optionsJSON })
      const result = await post(form.action, { response })
      const body = await result.json()
      if (result.ok) window.location.assign(body.redirect)
      else show(body.detail)
    } catch {
      show('Your security key was not used. Try again, or continue another way.')
    }
  })
}
