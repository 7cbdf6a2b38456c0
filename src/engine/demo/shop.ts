// The demo target's data: a fixed catalogue and per-user carts. Pure state, no HTTP.

export interface Product {
  id: number;
  name: string;
  price: number;
}

export interface CartItem extends Product {
  qty: number;
}

export interface Cart {
  cartId: string;
  user: string;
  items: CartItem[];
}

export const PRODUCT_COUNT = 1000;
export const PAGE_SIZE = 10;
/** Carts kept at most: a long run at a high rate must not grow the target's memory without bound. */
const MAX_CARTS = 100_000;

const ADJECTIVES = ['Sturdy', 'Bright', 'Quiet', 'Rapid', 'Classic', 'Compact', 'Deluxe', 'Rugged'];
const NOUNS = ['Kettle', 'Lamp', 'Backpack', 'Headphones', 'Mug', 'Notebook', 'Chair', 'Umbrella', 'Watch'];

function productOf(id: number): Product {
  const name = `${ADJECTIVES[id % ADJECTIVES.length]} ${NOUNS[(id * 7) % NOUNS.length]} ${id}`;
  // Deterministic prices between 4.99 and 199.99, so responses are reproducible.
  const price = Math.round(((id * 7919) % 19500) + 499) / 100;
  return { id, name, price };
}

export class Shop {
  private readonly products: Product[] = [];
  private readonly carts = new Map<string, Cart>();
  private readonly cartOfUser = new Map<string, string>();
  private nextCart = 1;
  /** Session token → user, oldest first; bounded like the carts. */
  private readonly sessions = new Map<string, string>();
  private readonly adminTokens = new Set<string>();

  constructor() {
    for (let id = 1; id <= PRODUCT_COUNT; id++) this.products.push(productOf(id));
  }

  /** Zero-based pages of PAGE_SIZE products; a page past the end is empty, as APIs usually answer. */
  page(page: number): Product[] {
    const start = page * PAGE_SIZE;
    return this.products.slice(start, start + PAGE_SIZE);
  }

  product(id: number): Product | undefined {
    return Number.isInteger(id) && id >= 1 && id <= PRODUCT_COUNT ? this.products[id - 1] : undefined;
  }

  /** Adds one of the product to the user's cart, creating the cart on first use. */
  addToCart(user: string, product: Product): Cart {
    let cart = this.carts.get(this.cartOfUser.get(user) ?? '');
    if (!cart) {
      cart = { cartId: `c${this.nextCart++}`, user, items: [] };
      if (this.carts.size >= MAX_CARTS) this.evictOldest();
      this.carts.set(cart.cartId, cart);
      this.cartOfUser.set(user, cart.cartId);
    }
    const item = cart.items.find((i) => i.id === product.id);
    if (item) item.qty++;
    else cart.items.push({ ...product, qty: 1 });
    return cart;
  }

  cart(cartId: string): Cart | undefined {
    return this.carts.get(cartId);
  }

  startSession(token: string, user: string): void {
    if (this.sessions.size >= MAX_CARTS) this.sessions.delete(this.sessions.keys().next().value!);
    this.sessions.set(token, user);
  }

  sessionUser(token: string): string | undefined {
    return this.sessions.get(token);
  }

  cartIdOf(user: string): string | undefined {
    return this.cartOfUser.get(user);
  }

  startAdminSession(token: string): void {
    if (this.adminTokens.size >= 1000) this.adminTokens.clear();
    this.adminTokens.add(token);
  }

  isAdmin(token: string): boolean {
    return this.adminTokens.has(token);
  }

  /** Empties every cart (a test's teardown); returns how many there were. */
  clearCarts(): number {
    const count = this.carts.size;
    this.carts.clear();
    this.cartOfUser.clear();
    return count;
  }

  private evictOldest(): void {
    const oldest = this.carts.keys().next();
    if (oldest.done) return;
    const cart = this.carts.get(oldest.value)!;
    this.carts.delete(oldest.value);
    if (this.cartOfUser.get(cart.user) === cart.cartId) this.cartOfUser.delete(cart.user);
  }
}
