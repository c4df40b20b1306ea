// Public entry of @switchboard/simulator: the seeded traffic model, the sample network, and the driver that plays the switch and the agents.
export { seededRandom, type Random } from './random.ts';
export { parcelDay, flatDay, volumeAt } from './profile.ts';
export { cities, sampleNetwork, NATIONAL_NUMBER, QUEUES, dialPlan, ivrFlow, acdSite, type City, type SampleNetwork, type VirtualAgentSpec } from './network.ts';
export { trafficModel, defaultBehaviour, type Behaviour, type CallPlan, type Caller, type Intent, type SurveyAnswer, type SurveyPlan, type Tier, type TrafficModel, type TrafficOptions } from './traffic.ts';
export { Tally, OUTCOMES, countsAddUp, percentile, type Counts, type Outcome, type TallySnapshot } from './tally.ts';
export { startSimulation, digitsFor, type Progress, type Simulation, type SimulationOptions, type SimulationResult } from './driver.ts';
export { startSwitchServer, signBody, type ControlCommand, type SwitchServer } from './switch-server.ts';
export type { AccessTokenSource, PlatformUrls } from './platform.ts';
export { formatProgress, formatSummary } from './report.ts';
