import { useEffect, useState } from 'react';
import { type ConnectionState, connectionState, onConnectionChange } from '../api-client';

export function useConnection(): ConnectionState {
  const [state, setState] = useState<ConnectionState>(connectionState);
  useEffect(() => onConnectionChange(setState), []);
  return state;
}
