// JSON over fetch with Django's CSRF token; errors come back as {"errors": {...}}.
export class ApiError extends Error {
  constructor(status, errors) {
    super(Object.values(errors || {}).flat().join(" ") || `HTTP ${status}`);
    this.status = status;
    this.errors = errors || {};
  }
}

export class Api {
  constructor(root) {
    this.csrf = root.querySelector("input[name=csrfmiddlewaretoken]")?.value || "";
  }

  async request(url, { method = "GET", body } = {}) {
    const headers = { Accept: "application/json" };
    if (method !== "GET") {
      headers["Content-Type"] = "application/json";
      headers["X-CSRFToken"] = this.csrf;
    }
    const response = await fetch(url, {
      method,
      headers,
      credentials: "same-origin",
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    let data = {};
    try {
      data = await response.json();
    } catch {
      data = {};
    }
    if (!response.ok) throw new ApiError(response.status, data.errors);
    return data;
  }

  get(url, params = {}) {
    const query = new URLSearchParams(Object.entries(params).filter(([, v]) => v !== "" && v !== null && v !== undefined));
    const text = query.toString();
    return this.request(text ? `${url}?${text}` : url);
  }

  post(url, body = {}) {
    return this.request(url, { method: "POST", body });
  }
}
