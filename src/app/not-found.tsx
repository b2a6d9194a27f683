import Link from 'next/link';

export default function NotFound() {
  return (
    <div className="panel state">
      <p>
        <strong>Nothing here.</strong>
      </p>
      <p>
        <Link href="/">Back to the runs</Link>
      </p>
    </div>
  );
}
