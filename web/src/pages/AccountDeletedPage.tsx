import { Link } from 'react-router';
import { useDocumentTitle } from '../lib/hooks';

export default function AccountDeletedPage() {
  useDocumentTitle('Account deleted');
  return (
    <div className="empty-state">
      <h1>Your account is deleted</h1>
      <p>
        Your profile, cart, friends and reviews are gone, and the store keeps your orders without your name or address. You can go on{' '}
        <Link to="/">browsing the store</Link> or <Link to="/signup">create a new account</Link> at any time.
      </p>
    </div>
  );
}
