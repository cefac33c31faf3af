export function Forbidden() {
  return (
    <div class="empty">
      <h2>Not available</h2>
      <p class="muted">This page needs a supervisor or admin role.</p>
    </div>
  );
}
