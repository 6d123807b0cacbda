import { Link } from 'react-router';
import { useDocumentTitle } from '../lib/hooks';

export default function NotFoundPage() {
  useDocumentTitle('Page not found');
  return (
    <div className="empty-state">
      <h1>Page not found</h1>
      <p>
        There is nothing at this address. Go to the <Link to="/">home page</Link> or search for a book above.
      </p>
    </div>
  );
}
