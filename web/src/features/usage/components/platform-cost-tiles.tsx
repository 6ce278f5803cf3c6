import { formatUsd } from '../../../components/format.js';
import { StatTile } from '../../../components/stat-tile.js';

/** The operators' two cost tiles: every call's upstream cost, and the part of it the platform paid. */
export function PlatformCostTiles(props: {
  upstreamUsd: string | bigint;
  platformUsd: string | bigint;
  /** Whose calls the upstream cost covers, in the page's own words. */
  upstreamHint: string;
  testIds: { upstream: string; platform: string };
}) {
  return (
    <>
      <StatTile label="Upstream cost" value={formatUsd(props.upstreamUsd)} hint={props.upstreamHint} testId={props.testIds.upstream} />
      <StatTile
        label="Platform cost"
        value={formatUsd(props.platformUsd)}
        hint="upstream cost of calls served by hosted/env keys"
        testId={props.testIds.platform}
      />
    </>
  );
}
