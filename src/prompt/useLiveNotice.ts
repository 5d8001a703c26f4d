import { useEffect, useRef, useState } from '@inquirer/core';
import type { LiveNotice } from './promptStyle.js';

/** The live line of a prompt, drawn again whenever it changes (hooks: call it in every render). */
export function useLiveNotice(notice: LiveNotice | undefined): string | undefined {
  const [, setTick] = useState(0);
  const ticks = useRef(0);
  useEffect(() => notice?.subscribe(() => setTick(++ticks.current)), [notice]);
  return notice?.current();
}
