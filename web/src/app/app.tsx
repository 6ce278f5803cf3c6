/** The dashboard shell; the pages arrive with the dashboard issue. */
export function App() {
  return (
    <main style={{ fontFamily: 'system-ui, sans-serif', maxWidth: 640, margin: '4rem auto', padding: '0 1rem' }}>
      <h1>keyplane</h1>
      <p>
        The control plane is running. Its GraphQL API is at <a href="/graphql">/graphql</a>; the dashboard screens are on their way.
      </p>
    </main>
  );
}
