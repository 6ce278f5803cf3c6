import { useEffect, useState } from 'react';
import type { HostedKeyPoolQuery } from '../../../graphql/generated.js';
import {
  describeLimiter,
  LIMITER_MODES,
  type LimiterDefaults,
  type LimiterErrors,
  type LimiterFormValues,
  limiterFieldsFor,
  limiterFormValues,
  rateLabel,
} from '../model/limiter-form.js';

type Setting = HostedKeyPoolQuery['providerSettings'][number];

/** One provider's hosted-key limiter: mode, rate, queue timeout; errors shown beside their field. */
export function LimiterForm(props: {
  provider: string;
  setting: Setting | undefined;
  defaults: LimiterDefaults;
  errors: LimiterErrors;
  saved: boolean;
  onSubmit(values: LimiterFormValues): void;
}) {
  const [values, setValues] = useState<LimiterFormValues>(() => limiterFormValues(props.setting, props.defaults));
  // A saved change (or another operator's, seen on the next poll) resets the form to the stored values.
  const stored = `${props.setting?.mode}|${props.setting?.requestsPerMinute}|${props.setting?.queueTimeoutMs}`;
  // biome-ignore lint/correctness/useExhaustiveDependencies: keyed by the stored values on purpose; each poll brings new objects
  useEffect(() => setValues(limiterFormValues(props.setting, props.defaults)), [stored]);
  const uses = limiterFieldsFor(values.mode);
  const id = (field: string) => `limiter-${props.provider}-${field}`;
  const error = (field: keyof LimiterErrors) =>
    props.errors[field] ? (
      <span className="field-error" id={id(`${field}-error`)} role="alert" data-testid={`limiter-error-${props.provider}-${field}`}>
        {props.errors[field]}
      </span>
    ) : null;
  return (
    <form
      className="form-grid limiter-form"
      aria-label={`${props.provider} limiter`}
      noValidate
      onSubmit={(e) => {
        e.preventDefault();
        props.onSubmit(values);
      }}
    >
      <h3>
        Rate limiter <span className="muted">· now: {describeLimiter(props.setting, props.defaults)}</span>
      </h3>
      <label className="field">
        <span>Mode</span>
        <select
          aria-label={`Limiter mode for ${props.provider}`}
          value={values.mode}
          onChange={(e) => setValues((v) => ({ ...v, mode: e.target.value as LimiterFormValues['mode'] }))}
        >
          {LIMITER_MODES.map((m) => (
            <option key={m.id} value={m.id}>
              {m.label}
            </option>
          ))}
        </select>
        <span className="muted">{LIMITER_MODES.find((m) => m.id === values.mode)?.help}</span>
        {error('mode')}
      </label>
      <label className="field">
        <span>{rateLabel(values.mode)}</span>
        <input
          aria-label={`Requests per minute for ${props.provider}`}
          inputMode="numeric"
          disabled={!uses.requestsPerMinute}
          placeholder={uses.requestsPerMinute ? 'e.g. 60' : 'not used in this mode'}
          value={uses.requestsPerMinute ? values.requestsPerMinute : ''}
          aria-invalid={Boolean(props.errors.requestsPerMinute)}
          aria-describedby={props.errors.requestsPerMinute ? id('requestsPerMinute-error') : undefined}
          onChange={(e) => setValues((v) => ({ ...v, requestsPerMinute: e.target.value }))}
        />
        {error('requestsPerMinute')}
      </label>
      <label className="field">
        <span>Queue timeout (ms)</span>
        <input
          aria-label={`Queue timeout for ${props.provider}`}
          inputMode="numeric"
          disabled={!uses.queueTimeoutMs}
          placeholder={uses.queueTimeoutMs ? `default ${props.defaults.queueTimeoutMs}` : 'queue mode only'}
          value={uses.queueTimeoutMs ? values.queueTimeoutMs : ''}
          aria-invalid={Boolean(props.errors.queueTimeoutMs)}
          aria-describedby={props.errors.queueTimeoutMs ? id('queueTimeoutMs-error') : undefined}
          onChange={(e) => setValues((v) => ({ ...v, queueTimeoutMs: e.target.value }))}
        />
        {error('queueTimeoutMs')}
      </label>
      <div className="field field-actions">
        <button type="submit" className="button primary">
          Save limiter
        </button>
        {props.saved ? (
          <span className="muted" role="status">
            Saved.
          </span>
        ) : null}
      </div>
      {props.errors.form ? <p className="field-error">{props.errors.form}</p> : null}
    </form>
  );
}
