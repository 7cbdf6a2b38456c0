// GET /shop: a page a browser can drive against the demo's API, so a recording of it (a HAR) is a real
// user journey: the login's token and the new cart's id are used by the requests after it, and the
// checkout refuses a stale token or another user's cart. Inline script only: no external resources.
export const SHOP_PAGE_HTML = `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>Volley demo shop</title></head>
<body>
<h1>Volley demo shop</h1>
<ul id="products"></ul>
<form id="login">
  <label>User <input name="user" autocomplete="username" required></label>
  <label>Password <input name="password" type="password" autocomplete="current-password" required></label>
  <button>Log in and buy product 3</button>
</form>
<p id="status"></p>
<script>
const status = document.getElementById('status');
fetch('/products?page=0').then((r) => r.json()).then((page) => {
  for (const p of page.items) document.getElementById('products').append(Object.assign(document.createElement('li'), { textContent: p.name + ' ' + p.price }));
});
document.getElementById('login').addEventListener('submit', async (event) => {
  event.preventDefault();
  const form = new FormData(event.target);
  const json = (r) => r.ok ? r.json() : Promise.reject(new Error(r.url + ': ' + r.status));
  try {
    const login = await fetch('/login', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ user: form.get('user'), password: form.get('password') }) }).then(json);
    const auth = { Authorization: 'Bearer ' + login.token };
    const cart = await fetch('/cart', { method: 'POST', headers: { ...auth, 'Content-Type': 'application/json' }, body: JSON.stringify({ id: 3, user: form.get('user') }) }).then(json);
    await fetch('/cart/' + encodeURIComponent(cart.cartId)).then(json);
    const order = await fetch('/cart/' + encodeURIComponent(cart.cartId) + '/checkout', { method: 'POST', headers: auth }).then(json);
    const account = await fetch('/account').then(json);
    status.textContent = account.user + ' paid ' + order.total;
    document.title = 'done';
  } catch (err) {
    status.textContent = String(err);
    document.title = 'failed';
  }
});
</script>
</body>
</html>
`;
