import Link from 'next/link';

export const metadata = { title: 'Not found' };

export default function NotFound() {
  return (
    <div className="panel state">
      <h1>Not found</h1>
      <p>There is nothing at this address: the run may have been deleted, or the link is wrong.</p>
      <p>
        <Link href="/">Back to the runs</Link>
      </p>
    </div>
  );
}
