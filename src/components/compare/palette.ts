/** One color per compared run, in the order of the selection. */
export const PALETTE = ['#ea580c', '#2563eb', '#16a34a', '#9333ea', '#db2777', '#0891b2', '#ca8a04', '#4b5563', '#dc2626', '#65a30d'];
