import { useState } from 'react';
import { RANGE_PRESETS, type RangeChoice } from './date-range.js';

/** Presets plus custom dates (UTC days, both inclusive). */
export function DateRangePicker({ value, onChange }: { value: RangeChoice; onChange(choice: RangeChoice): void }) {
  const [from, setFrom] = useState(value.preset === 'custom' ? value.from : '');
  const [to, setTo] = useState(value.preset === 'custom' ? value.to : '');
  const custom = value.preset === 'custom';
  return (
    <div className="range-picker">
      <label>
        <span className="sr-only">Range</span>
        <select
          aria-label="Time range"
          value={value.preset}
          onChange={(e) => {
            const preset = e.target.value;
            if (preset === 'custom') {
              const today = new Date().toISOString().slice(0, 10);
              const start = from || new Date(Date.now() - 7 * 86_400_000).toISOString().slice(0, 10);
              setFrom(start);
              setTo(to || today);
              onChange({ preset: 'custom', from: start, to: to || today });
            } else onChange({ preset: preset as Exclude<RangeChoice['preset'], 'custom'> });
          }}
        >
          {RANGE_PRESETS.map((p) => (
            <option key={p.id} value={p.id}>
              {p.label}
            </option>
          ))}
          <option value="custom">Custom dates…</option>
        </select>
      </label>
      {custom ? (
        <form
          className="inline-form"
          onSubmit={(e) => {
            e.preventDefault();
            if (from && to && from <= to) onChange({ preset: 'custom', from, to });
          }}
        >
          <input type="date" aria-label="From" value={from} onChange={(e) => setFrom(e.target.value)} required />
          <span>to</span>
          <input type="date" aria-label="To" value={to} onChange={(e) => setTo(e.target.value)} required />
          <button type="submit" className="button">
            Apply
          </button>
        </form>
      ) : null}
    </div>
  );
}
