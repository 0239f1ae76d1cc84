import { css } from 'lit'

/** What every page and list shares: links, buttons, covers, headings, states. */
export const shared = css`
  :host {
    display: block;
  }
  a {
    color: inherit;
    text-decoration: none;
  }
  a:hover {
    text-decoration: underline;
  }
  a:focus-visible,
  button:focus-visible,
  input:focus-visible,
  [tabindex]:focus-visible {
    outline: 2px solid var(--focus);
    outline-offset: 2px;
    border-radius: 4px;
  }
  button {
    font: inherit;
    color: inherit;
    cursor: pointer;
  }
  button:disabled {
    opacity: 0.4;
    cursor: default;
  }
  .round {
    background: none;
    border: 0;
    border-radius: 50%;
    width: 2.5rem;
    height: 2.5rem;
    display: inline-grid;
    place-items: center;
    flex: none;
  }
  .round:hover {
    background: var(--hover);
  }
  .more,
  .chip {
    background: none;
    border: 1px solid var(--border);
    border-radius: 999px;
    padding: 0.35rem 0.9rem;
    margin: 0.75rem 0.25rem 0 0;
    display: inline-block;
  }
  .chip[aria-pressed='true'],
  .chip[aria-current='page'] {
    background: var(--accent);
    color: var(--on-accent);
    border-color: var(--accent);
  }
  .cover {
    border-radius: 6px;
    object-fit: cover;
    background: var(--cover-fallback);
    flex: none;
  }
  .empty,
  .error {
    color: var(--muted);
    padding: 1rem 0;
  }
  .error {
    color: var(--danger);
  }
  h1 {
    font-size: clamp(1.4rem, 4vw, 2.2rem);
    margin: 0.5rem 0;
    overflow-wrap: anywhere;
  }
  h2 {
    font-size: 1.15rem;
    margin: 1.5rem 0 0.5rem;
  }
  .muted {
    color: var(--muted);
  }
`
